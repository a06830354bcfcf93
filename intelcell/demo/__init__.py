"""The demo scenario: real registry, demo users of several members, labelled sample intelligence."""
