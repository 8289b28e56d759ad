"""Reference data: registries seeded from the provincial plans and versioned code lists."""
