using System;
using System.Linq;
using ResTuning.Benchmarks;
using ResTuning.Benchmarks.Generation;
using ResTuning.Benchmarks.Generator;

// Commands (each prints figures; --json for machine-readable lines):
//   training [--json] [--model tiny|small|base] [--batch N] [--steps N] [--warmup N]
//            [--device cpu|cuda] [--dtype float32|bfloat16] [--image N] [--tasks N] [--method NAME]
//   generator [--json] [--classes N] [--runs N] [--warmup N]
//   tapcache  (TapCacheBenchOptions.Usage)
//   generation [--json] [--method bypass|full] (and the sample's generate options but --samples; GenerationBenchOptions.Usage)
//   stopforward [--batch N] [--image N] [--steps N] [--warmup N] [--pairs N]
//   bypassstep [--batch N] [--image N] [--dim N] [--steps N] [--warmup N] [--json]
const string TrainingUsage = "training [--json] [--model tiny|small|base] [--batch N] [--steps N] [--warmup N] [--device cpu|cuda] [--dtype float32|bfloat16] [--image N] [--tasks N] [--method NAME]";

var command = args.FirstOrDefault();
var rest = args.Skip(1).ToArray();
try
{
    return command switch
    {
        "training" => TrainingBenchmark.Run(BenchmarkOptions.Parse(rest)),
        "generator" => GeneratorBenchmark.Run(GeneratorOptions.Parse(rest)),
        "tapcache" => TapCacheBenchmark.Run(TapCacheBenchOptions.Parse(rest)),
        "generation" => GenerationBenchmark.Run(GenerationBenchOptions.Parse(rest)),
        "stopforward" => StopForwardBenchmark.Run(rest),
        "bypassstep" => BypassStepBenchmark.Run(rest),
        _ => Usage(),
    };
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

static int Usage()
{
    Console.Error.WriteLine($"usage: ResTuning.Benchmarks {TrainingUsage}");
    Console.Error.WriteLine($"       ResTuning.Benchmarks {GeneratorOptions.Usage}");
    Console.Error.WriteLine($"       ResTuning.Benchmarks {TapCacheBenchOptions.Usage}");
    Console.Error.WriteLine($"       ResTuning.Benchmarks {GenerationBenchOptions.Usage}");
    Console.Error.WriteLine($"       ResTuning.Benchmarks {StopForwardBenchmark.Usage}");
    Console.Error.WriteLine($"       ResTuning.Benchmarks {BypassStepBenchmark.Usage}");
    return 2;
}
