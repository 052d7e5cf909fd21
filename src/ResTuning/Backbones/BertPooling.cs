namespace ResTuning.Backbones;

/// <summary>How a <see cref="BertModel"/> turns its token states into one vector per sequence.</summary>
public enum BertPooling
{
    /// <summary>The mean of the token states over the attention mask (padding never counts): sentence-transformers' pooling, the one all-MiniLM-L6-v2 was trained with.</summary>
    Mean = 0,

    /// <summary>The state of the first token, <c>[CLS]</c>.</summary>
    Cls = 1,

    /// <summary>Hugging Face's <c>pooler_output</c>: the <c>[CLS]</c> state through <c>pooler.dense</c> and tanh (needs <see cref="BertConfig.Pooler"/>).</summary>
    Pooler = 2,
}
