"""The error every handler raises, and Sakari's error envelope."""


class ApiError(Exception):
    def __init__(self, status, code, message, headers=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def envelope(code, message):
    return {"success": False, "error": {"code": code, "message": message}}
