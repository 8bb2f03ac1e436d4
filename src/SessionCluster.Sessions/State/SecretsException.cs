namespace SessionCluster.Sessions.State;

/// <summary>Why sealed bytes could not be opened, or why no <see cref="SecretBox"/> could be made.</summary>
public enum SecretsFailure
{
    /// <summary>No secrets key is configured (<c>SC:Secrets:Key</c> / <c>SC_SECRETS_KEY</c>), or it is not base64 of 32 bytes.</summary>
    MissingKey,

    /// <summary>Sealed under a key this node does not hold (its key id is unknown and no held key opens it).</summary>
    WrongKey,

    /// <summary>The key is the right one but the bytes were changed (the GCM tag does not match), or the envelope is cut short.</summary>
    Tampered,

    /// <summary>The envelope's version byte is one this build does not know.</summary>
    UnknownVersion,
}

/// <summary>
/// A typed failure of the secrets at rest. The message names what to do; it never holds key material or plaintext.
/// </summary>
public sealed class SecretsException(SecretsFailure failure, string message) : Exception(message)
{
    public SecretsFailure Failure { get; } = failure;
}
