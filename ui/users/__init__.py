"""账户: the administrator's list of user accounts, their roles and teams."""
