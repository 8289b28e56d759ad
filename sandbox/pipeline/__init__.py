"""Processing of acknowledged submissions: parse, verify, validate, judge; pure stages."""
