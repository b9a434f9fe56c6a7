"""Signing in: the sign-in dialog, the first-start wizard and changing one's own password."""
