namespace SessionCluster.Protocol.Signal;

/// <summary>The two kinds of 1:1 ciphertext (libsignal's numbering: WHISPER 2, PREKEY 3).</summary>
public enum CiphertextType
{
    /// <summary>A WhisperMessage: WhatsApp's <c>&lt;enc type="msg"&gt;</c>.</summary>
    Whisper = 2,

    /// <summary>A PreKeyWhisperMessage: WhatsApp's <c>&lt;enc type="pkmsg"&gt;</c>.</summary>
    PreKey = 3,
}

/// <summary>A serialized 1:1 Signal ciphertext, as it travels in an <c>&lt;enc&gt;</c> node.</summary>
public sealed record CiphertextMessage(CiphertextType Type, byte[] Serialized)
{
    /// <summary>The <c>type</c> attribute of WhatsApp's <c>&lt;enc&gt;</c> node: "msg" or "pkmsg".</summary>
    public string WireType => Type switch
    {
        CiphertextType.Whisper => "msg",
        CiphertextType.PreKey => "pkmsg",
        _ => throw new InvalidOperationException($"Unknown ciphertext type {(int)Type}."),
    };

    /// <summary>The kind and size only.</summary>
    public override string ToString() => $"CiphertextMessage({WireType}, {Serialized.Length} bytes)";
}
