"""Every change of state in care, one module per noun (``rules``, ``campaigns``, ``invitations``)."""
