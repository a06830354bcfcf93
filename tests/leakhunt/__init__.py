"""The generated leak hunt (issue 8 item 1): random viewers against a world under random labels."""
