namespace SessionCluster.Protocol.Pairing;

/// <summary>Which part of a companion's QR string is wrong.</summary>
public enum QrFormatError
{
    /// <summary>Null or empty.</summary>
    Empty,

    /// <summary>Contains whitespace or control characters (a QR never does; a paste that does is damaged).</summary>
    Whitespace,

    /// <summary>Not 4 (whatsmeow) or 5 (Baileys: with the client type) comma-separated parts.</summary>
    WrongPartCount,

    /// <summary>The ref part is empty.</summary>
    EmptyRef,

    /// <summary>A key part is not canonical standard base64 with padding.</summary>
    BadBase64,

    /// <summary>A key part decodes to something other than 32 bytes.</summary>
    WrongKeyLength,

    /// <summary>The client type is not one of the documented values (0-9, c, e).</summary>
    UnknownClientType,
}

/// <summary>
/// A QR string (as a companion shows it and an operator pastes it into the admin API) could not be read.
/// <see cref="Part"/> names the offending field (<c>ref</c>, <c>noiseKey</c>, <c>identityKey</c>,
/// <c>advSecret</c>, <c>clientType</c>) when one is to blame. The message never repeats key material.
/// </summary>
public sealed class QrFormatException : FormatException
{
    public QrFormatException(QrFormatError error, string? part, string message)
        : base(part is null ? $"{error}: {message}" : $"{error} in {part}: {message}")
    {
        Error = error;
        Part = part;
    }

    public QrFormatError Error { get; }

    /// <summary>The field at fault, or null when the string as a whole is wrong.</summary>
    public string? Part { get; }
}
