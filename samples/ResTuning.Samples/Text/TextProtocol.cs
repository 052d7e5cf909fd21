using System.Collections.Generic;
using System.Linq;
using ResTuning.Samples.Classification;

namespace ResTuning.Samples.Text;

/// <summary>
/// The text sample's protocol: the main job's <see cref="TransferProtocol"/> (epochs, batch, seeds, labelled and validation
/// texts per class) plus the token cap and the test texts per class. Every number of the text job lives here.
/// </summary>
/// <param name="Tuning">Labelled and validation texts per class, epochs, batch, seeds, weight decay.</param>
/// <param name="TokenCap">Most tokens per text, <c>[CLS]</c> and <c>[SEP]</c> included (longer descriptions are cut).</param>
/// <param name="TestPerClass">Test texts per class (0: all of the frozen split's).</param>
public sealed record TextProtocol(TransferProtocol Tuning, int TokenCap, int TestPerClass)
{
    /// <summary>
    /// The default, sized for ten minutes on a 2-core CPU: all ten classes, 24 labelled texts per class (the first 24 of the
    /// frozen pool of 32; 6 of them validate the sweep), every test text of the split (150 per class), 32 tokens, 6 epochs,
    /// batch 16, 3 seeds.
    /// </summary>
    public static TextProtocol Default { get; } = new(new TransferProtocol
    {
        SourceClasses = System.Array.Empty<int>(), TargetClasses = Enumerable.Range(0, 10).ToArray(),
        LabelledPerClass = 24, ValidationPerClass = 6, Epochs = 6, Batch = 16, Seeds = 3, EvaluationBatch = 250,
    }, TokenCap: 32, TestPerClass: 0);

    /// <summary>
    /// The same job on a tiny subset (2 labelled texts per class, one of them validates; 3 test texts per class; 16 tokens; one
    /// epoch; 2 seeds), for tests: the same code path as <see cref="Default"/> (every method in its own process, the sweep, the
    /// tap cache, the plots and <c>results.json</c>) at tiny sizes. Minutes, not seconds: 1 min 46 s for
    /// <c>dotnet test tests/ResTuning.Samples.Tests --filter Quick_runs_the_whole_text_job</c> on the 2-core build machine under
    /// load (load average 10 to 12), 2026-12-07.
    /// </summary>
    public static TextProtocol Quick { get; } = Default with
    {
        Tuning = Default.Tuning with { LabelledPerClass = 2, ValidationPerClass = 1, Epochs = 1, Batch = 10, Seeds = 2 },
        TokenCap = 16, TestPerClass = 3,
    };

    /// <summary>One line for the console, the README and <c>results.json</c>.</summary>
    public string Describe(IReadOnlyList<string> classNames, int testTexts)
    {
        var p = Tuning;
        return $"tune on the Debian sections {string.Join(", ", classNames)} ({classNames.Count} classes) with {p.LabelledPerClass} labelled package descriptions per class " +
               $"({p.LabelledPerClass * classNames.Count} in all, frozen in {DebianSections.FileName}), of which {p.ValidationPerClass} per class are the validation split of the " +
               $"learning-rate sweep (one seed); at most {TokenCap} tokens per text; {p.Epochs} epochs, batch {p.Batch}, AdamW (weight decay {p.WeightDecay}) with a one-cycle schedule; " +
               $"test on {testTexts} descriptions ({(TestPerClass == 0 ? "all of the split's" : $"{TestPerClass}")} per class); mean ± std over {p.Seeds} training seeds";
    }
}
