// Torch's default dtype and RNG are process-global, and the machine has two cores:
// tests run one at a time so a float64 test cannot change another test's dtype.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
