using System.Threading.Tasks;
using ResTuning.Analyzers.CodeFixes;
using ResTuning.Analyzers.Tests.Support;

namespace ResTuning.Analyzers.Tests;

/// <summary>
/// The tasks of a multi-task group: RT0036 compares the modules each task taps, not how its paths are spelled, and
/// RT0029 reports a task listed twice at the repeated entry.
/// </summary>
public sealed class MultiTaskTests
{
    /// <summary>A valid bypass task over TinyVit (whose <c>blocks</c> is a <c>[ModuleCount(4)]</c> list) tapping <paramref name="taps"/>.</summary>
    private static string Task(string name, string taps, string? start = "stem") => $$"""
        [ResTuningBypass<Demo.TinyVit>(Classes = 10, Features = 16)]
        [BypassTaps({{(start is null ? "" : $"Start = \"{start}\", ")}}Taps = "{{taps}}")]
        public partial class {{name}};

        """;

    [Theory]
    [InlineData("blocks.*", "blocks.0..4")]
    [InlineData("blocks.*", "blocks.0, blocks.1..3, blocks.3")]
    [InlineData("blocks.0..2, blocks.2..4", "blocks.*")]
    [InlineData("blocks.*.mlp", "blocks.0..4.mlp")]
    [InlineData("extra.*", "extra.*")]
    public Task Tasks_that_tap_the_same_modules_however_spelled_raise_nothing(string first, string second) =>
        Verify.Analyzer(Sources.Model(Task("TaskA", first) + Task("TaskB", second) + "[ResTuningMultiTask<Demo.TinyVit>(typeof(TaskA), typeof(TaskB))]"));

    [Theory]
    // Other modules: a prefix of the blocks, or the blocks' MLPs instead of the blocks.
    [InlineData("blocks.*", "blocks.0..3", "stem")]
    [InlineData("blocks.*", "blocks.*.mlp", "stem")]
    // The same blocks from another start: x_0 is the stem's output for one task and the first block's input for the other.
    [InlineData("blocks.*", "blocks.*", null)]
    // 'extra' has no [ModuleCount]: '*' selects as many elements as the list has at run time, 0..1 exactly one.
    [InlineData("extra.*", "extra.0..1", "stem")]
    public Task Tasks_that_tap_other_modules_are_reported(string first, string second, string? secondStart) =>
        Verify.Analyzer(Sources.Model(Task("TaskA", first) + Task("TaskB", second, secondStart)
                + "[{|#0:ResTuningMultiTask<Demo.TinyVit>(typeof(TaskA), typeof(TaskB))|}]"),
            Verify.Diagnostic("RT0036").WithLocation(0).WithArguments("Tuned", "TaskB",
                "taps the backbone differently from 'TaskA'; every task must declare the same Start and Taps to share one backbone pass"));

    [Theory]
    [InlineData("typeof(TaskA), typeof(TaskB), {|#0:typeof(TaskA)|}")]
    [InlineData("new[] { typeof(TaskA), typeof(TaskB), {|#0:typeof(TaskA)|} }")]
    [InlineData("new System.Type[] { typeof(TaskA), typeof(TaskB), {|#0:typeof(TaskA)|} }")]
    [InlineData("[typeof(TaskA), typeof(TaskB), {|#0:typeof(TaskA)|}]")]
    public Task Task_listed_twice_is_reported_at_the_repeated_entry(string tasks) =>
        Verify.Analyzer(Sources.Model(Task("TaskA", "blocks.*") + Task("TaskB", "blocks.*") + $"[ResTuningMultiTask<Demo.TinyVit>({tasks})]"),
            Verify.Diagnostic("RT0029").WithLocation(0).WithMessage(
                "Multi-task model 'Tuned' lists task 'TaskA' more than once; every entry is one more task and one more output, so list it once (for a second head on the same taps, declare another bypass class)"));

    [Fact]
    public Task Every_repeat_is_reported_and_the_first_entry_stands() =>
        Verify.Analyzer(Sources.Model(Task("TaskA", "blocks.*") + Task("TaskB", "blocks.*")
            + "[ResTuningMultiTask<Demo.TinyVit>(typeof(TaskA), {|RT0029:typeof(TaskA)|}, typeof(TaskB), {|RT0029:typeof(TaskB)|}, {|RT0029:typeof(TaskA)|})]"));

    [Fact]
    public Task Tasks_listed_once_raise_nothing() =>
        Verify.Analyzer(Sources.Model(Task("TaskA", "blocks.*") + Task("TaskB", "blocks.*") + "[ResTuningMultiTask<Demo.TinyVit>(typeof(TaskA), typeof(TaskB))]"));

    [Theory]
    [InlineData("typeof(TaskA), typeof(TaskB), {|RT0029:typeof(TaskA)|}", "typeof(TaskA), typeof(TaskB)")]
    [InlineData("typeof(TaskA), {|RT0029:typeof(TaskA)|}, typeof(TaskB)", "typeof(TaskA), typeof(TaskB)")]
    [InlineData("new[] { typeof(TaskA), {|RT0029:typeof(TaskA)|}, typeof(TaskB) }", "new[] { typeof(TaskA), typeof(TaskB) }")]
    [InlineData("[typeof(TaskA), typeof(TaskB), {|RT0029:typeof(TaskA)|}]", "[typeof(TaskA), typeof(TaskB)]")]
    public Task Code_fix_removes_the_repeated_entry(string tasks, string fixedTasks)
    {
        var declarations = Task("TaskA", "blocks.*") + Task("TaskB", "blocks.*");
        return Verify.CodeFix<RemoveRepeatedTaskCodeFix>(
            Sources.Model(declarations + $"[ResTuningMultiTask<Demo.TinyVit>({tasks})]"),
            Sources.Model(declarations + $"[ResTuningMultiTask<Demo.TinyVit>({fixedTasks})]"));
    }
}
