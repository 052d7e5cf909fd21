// libtorch has one global random generator per process: a test that seeds it and draws reference weights (under
// ServingBackbone.SeededDraws) is perturbed by any draw another test class makes at the same time on another thread, which
// made the seeded references of HotSwapTests differ now and then in full runs. The classes therefore run one after another.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
