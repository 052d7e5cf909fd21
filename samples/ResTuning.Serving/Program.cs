using System.Linq;
using ResTuning.Serving;
using ResTuning.Serving.Benchmark;
using ResTuning.Serving.Monitoring;

// restuning-serving [--Serving:Option=value ...]   the HTTP server (see ServingOptions and README "Serving")
// restuning-serving bench [options]                the load benchmark (LoadBenchmark.Usage); not part of CI
// restuning-serving soak [options]                 the soak benchmark (SoakOptions.Usage); not part of CI
// Before any thread allocates: a few glibc arenas keep the resident set flat under load (NativeHeap.ServingArenas).
NativeHeap.LimitArenas(NativeHeap.ServingArenas);
// libtorch's OpenMP threads sleep when idle instead of spinning against the request threads (ResTuning.Native).
ResTuning.Native.OpenMpWaitPolicy.PreferPassive();
if (args.FirstOrDefault() == "bench") return await LoadBenchmark.RunAsync(args.Skip(1).ToArray());
if (args.FirstOrDefault() == "soak") return await SoakBenchmark.RunAsync(args.Skip(1).ToArray());
await ServingApp.Create(args).RunAsync();
return 0;

/// <summary>The server's entry point (public for <c>WebApplicationFactory&lt;Program&gt;</c> in the tests).</summary>
public partial class Program;
