"""The browser UI: server-rendered pages behind a session cookie with CSRF protection."""
