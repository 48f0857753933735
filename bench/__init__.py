"""Benchmarks at scale (`chuangwen bench cases`, `chuangwen bench scores`): above the demo, which fills them."""
