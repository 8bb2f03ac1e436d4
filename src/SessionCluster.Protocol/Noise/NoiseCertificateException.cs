namespace SessionCluster.Protocol.Noise;

/// <summary>Why a server certificate chain was refused.</summary>
public enum CertificateFailure
{
    /// <summary>The chain, a certificate or its details could not be parsed or a field is missing or of the wrong size.</summary>
    Malformed,

    /// <summary>The intermediate is not signed by the configured root key (the wrong root, or a forged chain).</summary>
    UntrustedRoot,

    /// <summary>The intermediate does not name the root (issuer serial 0) as its issuer.</summary>
    WrongIntermediateIssuer,

    /// <summary>The leaf is not signed by the intermediate.</summary>
    BadLeafSignature,

    /// <summary>The leaf's issuer serial is not the intermediate's serial.</summary>
    WrongLeafIssuer,

    /// <summary>A certificate's notBefore lies in the future.</summary>
    NotYetValid,

    /// <summary>A certificate's notAfter has passed.</summary>
    Expired,

    /// <summary>The leaf certifies a key other than the static key the server proved it holds.</summary>
    LeafKeyMismatch,
}

/// <summary>The server's certificate chain failed verification; <see cref="Failure"/> says which check.</summary>
public sealed class NoiseCertificateException : NoiseHandshakeException
{
    public NoiseCertificateException(CertificateFailure failure, string message)
        : base($"Server certificate refused ({failure}): {message}")
    {
        Failure = failure;
    }

    public CertificateFailure Failure { get; }
}
