"""上报与通报 area: the month's submission (本月上报), funding projects (经费项目) and the
monthly bulletin (月通报)."""
