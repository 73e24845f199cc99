"""Payments (issue #16): a port for card payments, its adapters (GOV.UK Pay and
the embedded demo payment page) and the journey that holds a bulky-waste place
while the resident pays and books it only once the provider says it succeeded."""
