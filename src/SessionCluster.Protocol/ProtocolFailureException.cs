namespace SessionCluster.Protocol;

/// <summary>
/// A protocol check failed. <see cref="Failure"/> says which one, as a value of the concern's own enum, so callers
/// branch on it instead of parsing text; the message never carries key material or plaintext.
/// </summary>
/// <typeparam name="TFailure">The concern's list of reasons (pairing by code, pairing verification, decryption, ...).</typeparam>
public abstract class ProtocolFailureException<TFailure> : Exception
    where TFailure : struct, Enum
{
    protected ProtocolFailureException(TFailure failure, string message, Exception? inner = null)
        : base($"{failure}: {message}", inner)
    {
        Failure = failure;
    }

    /// <summary>Which check failed.</summary>
    public TFailure Failure { get; }
}
