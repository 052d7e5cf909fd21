using System.CommandLine;
using ResTuning.Samples.Classification;
using ResTuning.Samples.Generation;
using ResTuning.Samples.MultiTask;

namespace ResTuning.Samples;

/// <summary>Command line of the samples: <c>classify</c> (the main job), <c>text</c> (the main job's protocol on text), <c>multitask</c>, <c>generate</c> and <c>extract-taps</c>.</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        // Redirected output (CI logs, files) would otherwise get Spectre's 80-column default and truncated tables.
        if (System.Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Profile.Width = 120;
        // Before libtorch loads (its OpenMP runtime reads the policy once), whichever command runs: idle threads sleep.
        ResTuning.Native.OpenMpWaitPolicy.PreferPassive();
        var root = new RootCommand("ResTuning.Dsl samples: parameter-efficient fine-tuning with Res-Tuning on TorchSharp.")
        {
            ClassifyCommand.Create(),
            MultiTaskCommand.Create(),
            GenerateCommand.Create(),
            ResTuning.Samples.Text.TextCommand.Create(),
            ResTuning.Samples.Caching.ExtractTapsCommand.Create(),
        };
        return root.Parse(args).Invoke();
    }
}
