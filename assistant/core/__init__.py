"""Settings, errors and text safety: what every other part may use and which uses nothing of them."""
