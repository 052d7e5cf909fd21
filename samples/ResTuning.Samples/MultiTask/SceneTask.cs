using System;
using ResTuning.Samples.Data;
using static TorchSharp.torch;

namespace ResTuning.Samples.MultiTask;

/// <summary>The downstream tasks of the multi-task sample: four labelings of the same synthetic images.</summary>
public enum SceneTask
{
    /// <summary>Which shape: circle, square, triangle, cross.</summary>
    Shape,

    /// <summary>Solid or outlined.</summary>
    Fill,

    /// <summary>Small or large (radius below or above the middle of its range).</summary>
    Size,

    /// <summary>Which quadrant holds the shape's centre.</summary>
    Quadrant,
}

/// <summary>Classes and labels of each <see cref="SceneTask"/>.</summary>
public static class SceneTasks
{
    /// <summary>All tasks, in output order.</summary>
    public static SceneTask[] All { get; } = Enum.GetValues<SceneTask>();

    /// <summary>Class names of <paramref name="task"/>, in label order.</summary>
    public static string[] ClassNames(this SceneTask task) => task switch
    {
        SceneTask.Shape => new[] { "circle", "square", "triangle", "cross" },
        SceneTask.Fill => new[] { "solid", "outlined" },
        SceneTask.Size => new[] { "small", "large" },
        _ => new[] { "top-left", "top-right", "bottom-left", "bottom-right" },
    };

    /// <summary>The scenes labelled for <paramref name="task"/> (the images are shared, not copied).</summary>
    public static LabeledImages Label(this SceneTask task, ShapeScenes scenes)
    {
        var labels = task switch
        {
            SceneTask.Shape => scenes.Shape,
            SceneTask.Fill => scenes.Outline.to(ScalarType.Int64),
            // Radii are drawn uniformly from [0.12, 0.34): the middle splits the classes evenly.
            SceneTask.Size => scenes.Radius.gt(0.23).to(ScalarType.Int64),
            _ => scenes.CentreY.gt(0.5).to(ScalarType.Int64) * 2 + scenes.CentreX.gt(0.5).to(ScalarType.Int64),
        };
        var names = task.ClassNames();
        return new LabeledImages(scenes.Images, labels, names.Length, names);
    }
}
