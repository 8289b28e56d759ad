"""The province's side of the sandbox: Sở Y tế and BHXH tỉnh users, the readiness board, sign-off,
campaign and six-monthly reports (pages at /so-y-te/, API openapi/province.yaml)."""
