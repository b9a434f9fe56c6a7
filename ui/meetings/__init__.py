"""会议与签到: meetings, sign-in, minutes, compliance."""
