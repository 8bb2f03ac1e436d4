using System.Net.Security;
using System.Reflection;
using System.Runtime.InteropServices;

namespace SessionCluster.Sessions.Connection;

/// <summary>
/// Asks OpenSSL to free a TLS connection's record buffers whenever they are empty (<c>SSL_MODE_RELEASE_BUFFERS</c>), so an
/// idle <c>wss</c> connection holds no read or write buffer in native memory.
/// </summary>
/// <remarks>
/// Why: on Linux <see cref="SslStream"/> runs on OpenSSL, which by default keeps a read and a write record buffer of about
/// 17 KiB each for the connection's whole life; .NET does not set the mode and has no option for it. Measured at 1,000
/// idle sessions, TLS cost about 58 KiB of RSS per connection over plain ws. The price is an allocation per record while
/// data flows, which is small next to the decryption itself.
/// <para>
/// How: the mode is set with <c>SSL_ctrl</c> on the connection's <c>SSL*</c>, read from <see cref="SslStream"/>'s private
/// security context, in the libssl this process has already loaded for the handshake. Each step is checked (the field,
/// its exact handle type, the library mapped into the process); when one does not hold, as a future runtime might change
/// them, nothing is called and the connection simply keeps its buffers. A test fails then, so the loss is seen.
/// </para>
/// </remarks>
internal static class TlsIdleBuffers
{
    private const int SslCtrlMode = 33;
    private const long ModeReleaseBuffers = 0x10;
    private const string SslHandleType = "Microsoft.Win32.SafeHandles.SafeSslHandle";

    private static readonly FieldInfo? SecurityContext = typeof(SslStream).GetField("_securityContext", BindingFlags.Instance | BindingFlags.NonPublic);
    private static readonly Lazy<SslCtrl?> Ctrl = new(LoadCtrl);

    // long SSL_ctrl(SSL *ssl, int cmd, long larg, void *parg); long is 64 bits on 64-bit Linux.
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate long SslCtrl(IntPtr ssl, int cmd, long larg, IntPtr parg);

    /// <summary>Sets the mode on an authenticated <paramref name="tls"/>; false when it could not be (not Linux, or the runtime's internals differ).</summary>
    /// <remarks>Call it before the stream's first read or write after the handshake: OpenSSL's mode is not meant to change under a running call.</remarks>
    public static bool TryRelease(SslStream tls)
    {
        if (!OperatingSystem.IsLinux() || SecurityContext?.GetValue(tls) is not SafeHandle context
            || context.GetType().FullName != SslHandleType || context.IsInvalid || context.IsClosed
            || Ctrl.Value is not { } ctrl)
        {
            return false;
        }

        var added = false;
        try
        {
            context.DangerousAddRef(ref added);
            return (ctrl(context.DangerousGetHandle(), SslCtrlMode, ModeReleaseBuffers, IntPtr.Zero) & ModeReleaseBuffers) != 0;
        }
        finally
        {
            if (added)
            {
                context.DangerousRelease();
            }
        }
    }

    /// <summary><c>SSL_ctrl</c> from the libssl mapped into this process (the one the runtime's TLS uses), or null when there is not exactly one.</summary>
    private static SslCtrl? LoadCtrl()
    {
        List<string> mapped;
        try
        {
            mapped = MappedLibssl();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No readable memory map (a locked-down /proc): the library cannot be matched, so SSL_ctrl is not called.
            return null;
        }

        if (mapped.Count != 1 || !NativeLibrary.TryLoad(mapped[0], out var library))
        {
            return null;
        }

        return NativeLibrary.TryGetExport(library, "SSL_ctrl", out var export)
            ? Marshal.GetDelegateForFunctionPointer<SslCtrl>(export)
            : null;
    }

    private static List<string> MappedLibssl() =>
        File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length == 6 && Path.GetFileName(fields[5].Trim()).StartsWith("libssl.so", StringComparison.Ordinal))
            .Select(fields => fields[5].Trim())
            .Distinct(StringComparer.Ordinal)
            .ToList();
}
