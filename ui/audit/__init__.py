"""操作记录: the searchable audit trail for the administrator and the organization office."""
