using System;
using System.Linq;
using ResTuning.Benchmarks;

// Usage: training [--json] [--model tiny|small|base] [--batch N] [--steps N] [--warmup N]
//                 [--device cpu|cuda] [--dtype float32|bfloat16] [--image N] [--tasks N] [--method NAME]
if (args.Length == 0 || args[0] != "training")
{
    Console.Error.WriteLine("usage: ResTuning.Benchmarks training [--json] [--model tiny|small|base] [--batch N] [--steps N] [--warmup N] [--device cpu|cuda] [--dtype float32|bfloat16] [--image N] [--tasks N] [--method NAME]");
    return 2;
}
try
{
    return TrainingBenchmark.Run(BenchmarkOptions.Parse(args.Skip(1).ToArray()));
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
