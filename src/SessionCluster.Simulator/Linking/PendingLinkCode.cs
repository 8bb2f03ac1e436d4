using System.Security.Cryptography;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Pairing;
using SessionCluster.Simulator.Connections;

namespace SessionCluster.Simulator.Linking;

/// <summary>
/// A companion that asked to be linked by code (its <c>companion_hello</c>) and is waiting for the phone: the ref the
/// server gave it, its wrapped ephemeral key, its connection. The admin call that types the code on the phone sets
/// <see cref="Hello"/>, sends the primary hello notification and awaits <see cref="Finish"/>.
/// </summary>
internal sealed class PendingLinkCode(string phone, ChatConnection connection, ReadOnlyMemory<byte> wrappedCompanionEphemeral, DateTimeOffset createdAt)
{
    private int _answering;

    /// <summary>The <c>link_code_pairing_ref</c> content (ASCII, random).</summary>
    public byte[] Ref { get; } = System.Text.Encoding.ASCII.GetBytes("2@" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)));

    public string RefKey => Convert.ToBase64String(Ref);

    public string Phone { get; } = phone;

    public ChatConnection Connection { get; } = connection;

    public ReadOnlyMemory<byte> WrappedCompanionEphemeral { get; } = wrappedCompanionEphemeral;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    /// <summary>The phone's side once the code was entered (null before).</summary>
    public LinkCodePrimaryHello? Hello { get; set; }

    /// <summary>Completed with the companion's <c>companion_finish</c> iq.</summary>
    public TaskCompletionSource<Node> Finish { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Only one code entry per hello.</summary>
    public bool TryBeginAnswer() => Interlocked.CompareExchange(ref _answering, 1, 0) == 0;
}
