"""WeChat Official Account bridge: signed XML callbacks in, passive replies and the
customer-service message API out."""
