namespace SessionCluster.Edge;

/// <summary>
/// The REST API's settings, bound from <c>SC:Edge</c>. Every default is the one stated here; docs/CONFIGURATION.md
/// lists them all.
/// </summary>
public sealed class EdgeOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string Section = "SC:Edge";

    /// <summary>The shortest admin key accepted from configuration: 32 characters, so a guessable word is refused.</summary>
    public const int MinimumAdminKeyLength = 32;

    /// <summary>
    /// Default none: the node writes a random key to <c>&lt;data&gt;/admin.key</c> (mode 600) on first start and prints
    /// it once on the console; later starts read that file. Every <c>/v1</c> route needs <c>Authorization: Bearer</c>
    /// this key. At least <see cref="MinimumAdminKeyLength"/> characters when set.
    /// </summary>
    public string? AdminKey { get; init; }

    /// <summary>
    /// Default 10 s: how long a request waits for a session's answer before it is a 504 <c>timeout</c>. A session
    /// answers from memory, or after one journal write (Create, Send), which takes milliseconds; 10 s covers a node
    /// under load or a session still recovering a long log, and stays under common client timeouts (30 s and up).
    /// </summary>
    public TimeSpan AskTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Default 20 s: how long <c>GET /v1/sessions/{id}/qr</c> waits for the first QR code of a link it started. The
    /// simulator shows one within a second of connecting; a real server after the Noise handshake and the
    /// registration, usually 1 to 3 s, more on a slow network or proxy.
    /// </summary>
    public TimeSpan QrWait { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Default 30 s: how long a download of a received file whose media hosts no longer have it waits for the sender's
    /// phone to upload it again (media retry, docs/PROTOCOL.md §12); <see cref="Sessions.MediaDownloads.DefaultRetryWait"/>
    /// says why.
    /// </summary>
    public TimeSpan MediaRetryWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Default 1 h: how often the chats and messages store deletes the messages older than their tenant's
    /// <c>retentionDays</c>. Retention is counted in days, so an hour late is within 5 % of the shortest (1 day); each
    /// sweep is one indexed delete per tenant with retention set.
    /// </summary>
    public TimeSpan RetentionSweepInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Webhook delivery (<c>SC:Edge:Webhooks</c>); each default is in <see cref="Webhooks.WebhookOptions"/>.</summary>
    public Webhooks.WebhookOptions Webhooks { get; init; } = new();

    /// <summary>Downloads of media sent by link (<c>SC:Edge:Media</c>); each default is in <see cref="Media.MediaFetchOptions"/>.</summary>
    public Media.MediaFetchOptions Media { get; init; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting the edge cannot start with.</summary>
    public void Validate()
    {
        if (AdminKey is not null && (AdminKey.Length < MinimumAdminKeyLength || AdminKey.Any(char.IsWhiteSpace)))
        {
            throw new ArgumentException($"{Section}:{nameof(AdminKey)} must be at least {MinimumAdminKeyLength} characters without spaces (for example openssl rand -base64 32).");
        }

        if (AskTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{Section}:{nameof(AskTimeout)} must be positive (default 00:00:10).");
        }

        if (QrWait <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{Section}:{nameof(QrWait)} must be positive (default 00:00:20).");
        }

        if (MediaRetryWait <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{Section}:{nameof(MediaRetryWait)} must be positive (default 00:00:30).");
        }

        if (RetentionSweepInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{Section}:{nameof(RetentionSweepInterval)} must be positive (default 01:00:00).");
        }

        Webhooks.Validate();
        Media.Validate();
    }
}
