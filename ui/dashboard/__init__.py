"""首页: this month's deadlines for the user's teams and the charts of the last bulletin."""
