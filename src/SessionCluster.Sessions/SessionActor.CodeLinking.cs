using Akka.Actor;
using SessionCluster.Protocol.Binary;
using SessionCluster.Sessions.Flows;
using SessionCluster.Sessions.State;
using static SessionCluster.Sessions.Connection.ConnectionProtocol;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Sessions;

/// <summary>
/// The session's side of linking by pairing code: the steps of the code exchange on the registering connection, the
/// order of writes and answers, and the code's expiry. What to send and what to check is <see cref="CodePairing"/>'s.
/// The attempt runs in <see cref="LinkPhase.Pairing"/> like a QR link, so the shared parts (pair-success, the
/// SessionLinked write before pair-device-sign, 515, login, a lost connection) are <c>SessionActor.Linking.cs</c>'s.
/// </summary>
public sealed partial class SessionActor
{
    private CodeLink? _codeLink;

    /// <summary>Where an attempt to link by code is.</summary>
    private enum CodeLinkStep
    {
        /// <summary>Connected or connecting; the hello goes out once the server's pair-device is there (whatsmeow's rule).</summary>
        AwaitingPairDevice,

        /// <summary>companion_hello sent; waiting for the server's answer with the pairing ref.</summary>
        AwaitingRef,

        /// <summary>The code is issued (durable, answered); waiting for the phone's notification.</summary>
        AwaitingPhone,

        /// <summary>companion_finish sent; waiting for the server's answer.</summary>
        AwaitingFinishAnswer,

        /// <summary>companion_finish accepted; pair-success follows (handled as for QR, under <see cref="CodeLink.AdvSecret"/>).</summary>
        AwaitingPairSuccess,
    }

    private void ReceiveCodeLinking()
    {
        Command<LinkByCode>(OnLinkByCode);
        Command<CodeExpiry>(_ => OnCodeExpiry());
    }

    private void OnLinkByCode(LinkByCode command)
    {
        var refusal = LinkRefusalNow();
        var phoneNumber = CodePairing.NormalizePhoneNumber(command.PhoneNumber);
        if (refusal is null && phoneNumber is null)
        {
            refusal = new LinkRefused(_id, LinkRefusal.InvalidPhoneNumber);
        }

        if (refusal is not null)
        {
            Sender.Tell(refusal);
            return;
        }

        _statusBeforeLink = _status == SessionStatus.Linking ? SessionStatus.Created : _status;
        _phase = LinkPhase.Pairing;
        var lifetime = _dependencies.CodePairing.CodeLifetime;
        _codeLink = new CodeLink(phoneNumber!, Sender, CodeLinkStep.AwaitingPairDevice, _dependencies.Clock.GetUtcNow() + lifetime);
        PersistEvents([new SessionStatusChangedBody(SessionStatus.Linking)], () =>
        {
            StartConnection(QrPairing.RegistrationPayload(_registration!, _options!));
            Timers.StartSingleTimer(CodeExpiry.Instance, CodeExpiry.Instance, lifetime);
            CodePairingLog.Started(_logger, _id.Value);
        });
    }

    /// <summary>A stanza on the registering connection while linking by code (pair-success excepted). The caller acks it.</summary>
    private void OnCodeNode(Node node)
    {
        var link = _codeLink!;
        if (QrPairing.ReadPairDevice(node) is { } pairDevice)
        {
            // The refs are not shown: the user links with the code. Each pair-device is still an iq to answer.
            _connection!.Tell(new SendNode(QrPairing.Acknowledge(pairDevice.IqId)));
            if (link.Step == CodeLinkStep.AwaitingPairDevice)
            {
                var hello = CodePairing.Hello(_registration!, _options!, link.PhoneNumber, NewIqId(), _dependencies.Random);
                _codeLink = link with { Step = CodeLinkStep.AwaitingRef, Hello = hello };
                _connection.Tell(new SendNode(hello.Iq));
            }

            return;
        }

        switch (link.Step)
        {
            case CodeLinkStep.AwaitingRef when CodePairing.ReadHelloAnswer(node, link.Hello!) is { } answer:
                OnHelloAnswer(link, answer);
                break;
            case CodeLinkStep.AwaitingPhone when CodePairing.IsPrimaryHello(node):
                OnPrimaryHello(link, node);
                break;
            case CodeLinkStep.AwaitingFinishAnswer when CodePairing.ReadFinishAnswer(node, link.FinishIqId!) is { } answer:
                if (answer is CodeStepFailed failed)
                {
                    // No ack: the connection closes at once (an ack queued now would be cut off with it).
                    FailCodeLink(failed);
                    break;
                }

                // The phone's notification is acked once its finish is answered, as Baileys does.
                _connection!.Tell(new SendNode(link.NotificationAck!));
                _codeLink = link with { Step = CodeLinkStep.AwaitingPairSuccess };
                CodePairingLog.FinishAccepted(_logger, _id.Value);
                break;
        }
    }

    private void OnHelloAnswer(CodeLink link, CodeStepOutcome answer)
    {
        if (answer is not HelloAnswered answered)
        {
            FailCodeLink(answer as CodeStepFailed ?? new CodeStepFailed(LinkFailure.MalformedCodeExchange, "the answer to companion_hello was not understood."));
            return;
        }

        var code = link.Hello!.Code;
        _codeLink = link with { Step = CodeLinkStep.AwaitingPhone, PairingRef = answered.PairingRef, ReplyTo = null };
        // The code is answered only once it is durable as the event subscribers see.
        PersistEvents([new PairingCodeBody(code, link.ExpiresAt)], () =>
        {
            CodePairingLog.CodeIssued(_logger, _id.Value, link.ExpiresAt);
            link.ReplyTo?.Tell(new LinkCodeIssued(_id, code, link.ExpiresAt));
        });
    }

    private void OnPrimaryHello(CodeLink link, Node notification)
    {
        switch (CodePairing.AnswerPrimaryHello(notification, link.Hello!, link.PairingRef, _registration!, NewIqId(), _dependencies.Random))
        {
            case FinishReady ready:
                // The phone has the code: from here the server decides, the code's expiry no longer applies.
                Timers.Cancel(CodeExpiry.Instance);
                _codeLink = link with { Step = CodeLinkStep.AwaitingFinishAnswer, FinishIqId = ready.IqId, AdvSecret = ready.AdvSecret, NotificationAck = ready.Ack };
                _connection!.Tell(new SendNode(ready.Iq));
                CodePairingLog.FinishSent(_logger, _id.Value);
                break;
            case CodeStepIgnored ignored:
                _connection!.Tell(new SendNode(CodePairing.Acknowledge(notification)));
                CodePairingLog.Ignored(_logger, _id.Value, ignored.Detail);
                break;
            case CodeStepFailed failed:
                // No ack: the connection closes at once.
                FailCodeLink(failed);
                break;
        }
    }

    /// <summary>Ends the attempt: the connection closes, and its loss writes LinkFailed and answers a caller still waiting for the code.</summary>
    private void FailCodeLink(CodeStepFailed failed)
    {
        CodePairingLog.Failed(_logger, _id.Value, failed.Failure, failed.Detail);
        _closingFor = failed.Failure;
        _connection?.Tell(Close.Instance);
    }

    private void OnCodeExpiry()
    {
        if (_phase != LinkPhase.Pairing || _codeLink is null || _connection is null || _codeLink.Step >= CodeLinkStep.AwaitingFinishAnswer)
        {
            return;
        }

        CodePairingLog.Expired(_logger, _id.Value);
        _closingFor = LinkFailure.CodeExpired;
        _connection.Tell(Close.Instance);
    }

    /// <summary>
    /// The registration pair-success is checked under: linking by code replaces the ADV secret with the one the code
    /// exchange derived (whatsmeow stores it as the device's ADV secret); otherwise the registration's own.
    /// </summary>
    private Registration RegistrationForPairSuccess() =>
        _codeLink is { AdvSecret: { } advSecret } ? _registration! with { AdvSecretKey = advSecret } : _registration!;

    /// <summary>
    /// The attempt ended without a link (its connection is gone): forgets it, and gives what to run once the LinkFailed
    /// write is durable: answering a caller still waiting for the code.
    /// </summary>
    private Action EndCodeLink(LinkFailure failure)
    {
        var replyTo = _codeLink?.ReplyTo;
        ForgetCodeLink();
        return () => replyTo?.Tell(new LinkCodeNotIssued(_id, failure));
    }

    /// <summary>Drops the attempt's state (its ephemeral private key and derived secret with it) and its timer.</summary>
    private void ForgetCodeLink()
    {
        Timers.Cancel(CodeExpiry.Instance);
        _codeLink = null;
    }

    /// <summary>An id for one of our iqs; only the server's answer is matched on it.</summary>
    private string NewIqId()
    {
        Span<byte> bytes = stackalloc byte[4];
        _dependencies.Random.GetBytes(bytes);
        return "lc." + Convert.ToHexStringLower(bytes);
    }

    /// <summary>
    /// One attempt to link by code. <see cref="ReplyTo"/> is the LinkByCode caller until the code is answered; the
    /// record holds the ephemeral private key and the derived ADV secret, so <see cref="ToString"/> shows the step only.
    /// </summary>
    private sealed record CodeLink(string PhoneNumber, IActorRef? ReplyTo, CodeLinkStep Step, DateTimeOffset ExpiresAt)
    {
        public CompanionHello? Hello { get; init; }

        public ReadOnlyMemory<byte> PairingRef { get; init; }

        public string? FinishIqId { get; init; }

        public ReadOnlyMemory<byte>? AdvSecret { get; init; }

        public Node? NotificationAck { get; init; }

        public override string ToString() => $"CodeLink {{ Step = {Step} }}";
    }

    /// <summary>The pairing code's lifetime is over (a timer message to self).</summary>
    private sealed record CodeExpiry
    {
        public static CodeExpiry Instance { get; } = new();
    }
}
