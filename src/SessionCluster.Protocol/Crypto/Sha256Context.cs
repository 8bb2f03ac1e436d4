using System.Runtime.CompilerServices;

namespace SessionCluster.Protocol.Crypto;

/// <summary>Which SHA-256 implementation a <see cref="Sha256Context"/> (and the HMAC key built on it) runs on.</summary>
internal enum Sha256Backend : uint
{
    /// <summary>Not a context at all: <c>default(Sha256Context)</c>.</summary>
    None = 0,

    /// <summary>OpenSSL's low-level <c>SHA256_*</c> functions (SHA-NI where the CPU has it); see <see cref="Sha256Native"/>.</summary>
    Native = 0x4E415456, // "NATV"

    /// <summary>Portable C# compression function; see <see cref="Sha256Managed"/>.</summary>
    Managed = 0x4D414E47, // "MANG"
}

/// <summary>
/// A running SHA-256 computation that can be copied by value, which is what makes HMAC midstates work:
/// hash the padded key block once, keep the context, and start every MAC from a copy of it.
/// </summary>
/// <remarks>
/// The 128 bytes hold either OpenSSL's <c>SHA256_CTX</c> (112 bytes: <c>uint h[8], Nl, Nh, data[16], num,
/// md_len</c>; no pointers, so a byte copy is a valid context, and treated as opaque here) or
/// <see cref="Sha256Managed"/>'s own state. The last word records which, so a context can never be
/// continued by the other implementation, and a <c>default</c> context is recognisably uninitialised.
/// The contents are derived from whatever was hashed (for HMAC, from the key): never log them.
/// </remarks>
[InlineArray(WordCount)]
internal struct Sha256Context
{
    public const int Size = WordCount * sizeof(uint);

    /// <summary>sizeof(SHA256_CTX) in OpenSSL 1.1 and 3.x: 8 + 2 + 16 + 2 words.</summary>
    public const int NativeSize = 112;

    public const int DigestSize = 32;
    public const int BlockSize = 64;

    private const int WordCount = 32;
    private const int BackendWord = WordCount - 1;

    private uint _word0;

    public readonly Sha256Backend Backend => (Sha256Backend)this[BackendWord];

    /// <summary>A fresh context (SHA-256's initial state) on <paramref name="backend"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Sha256Context Create(Sha256Backend backend)
    {
        if (backend == Sha256Backend.Native)
        {
            return Sha256Native.InitialContext;
        }

        return CreateManaged(backend);
    }

    /// <summary>Marks a context just initialised by <paramref name="backend"/> as belonging to it.</summary>
    internal void Claim(Sha256Backend backend) => this[BackendWord] = (uint)backend;

    private static Sha256Context CreateManaged(Sha256Backend backend)
    {
        if (backend != Sha256Backend.Managed)
        {
            throw new ArgumentOutOfRangeException(nameof(backend));
        }

        var context = default(Sha256Context);
        Sha256Managed.Init(ref context);
        context.Claim(backend);
        return context;
    }

    /// <summary>Hashes <paramref name="data"/> into the running state.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(ReadOnlySpan<byte> data)
    {
        if (Backend == Sha256Backend.Native)
        {
            Sha256Native.Update(ref this, data);
        }
        else
        {
            AppendManaged(data);
        }
    }

    /// <summary>Pads, writes the 32-byte digest to the start of <paramref name="digest"/>; the context is spent afterwards.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Finish(Span<byte> digest)
    {
        if (Backend == Sha256Backend.Native)
        {
            Sha256Native.Final(ref this, digest);
        }
        else
        {
            FinishManaged(digest);
        }
    }

    private void AppendManaged(ReadOnlySpan<byte> data)
    {
        RequireManaged();
        Sha256Managed.Update(ref this, data);
    }

    private void FinishManaged(Span<byte> digest)
    {
        RequireManaged();
        Sha256Managed.Final(ref this, digest);
    }

    private readonly void RequireManaged()
    {
        if (Backend != Sha256Backend.Managed)
        {
            throw new InvalidOperationException("The SHA-256 context was never initialised (a default value was used).");
        }
    }
}
