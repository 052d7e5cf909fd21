using System;

namespace ResTuning.Serving.Models;

/// <summary>A task checkpoint the server will not serve, with the reason; the task's old tuners keep serving.</summary>
public sealed class CheckpointRefusedException : Exception
{
    /// <summary>Creates the refusal.</summary>
    public CheckpointRefusedException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
