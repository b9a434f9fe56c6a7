"""Services: take a session and plain values, return models or plain data, raise DomainError."""
