"""Disclosure requests (依申请公开): applicants, the reply clock, fees, reply types."""
