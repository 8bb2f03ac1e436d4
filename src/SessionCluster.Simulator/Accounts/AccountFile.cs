using System.Text.Json;
using SessionCluster.Protocol.Pairing;

namespace SessionCluster.Simulator.Accounts;

/// <summary>
/// <c>accounts.json</c>: accounts, their keys and linked devices (with uploaded prekeys and the ranges of prekey ids
/// already handed out, so a restart does not serve them again), as plain JSON with base64 keys. Fields added later
/// (<c>consumedPreKeys</c>, <c>nextPhonePreKeyId</c>) are optional, so files written before them still load. Written to a temporary file and renamed over the old one, so a crash leaves either version.
/// </summary>
internal sealed class AccountFile(string path)
{
    private const int FormatVersion = 1;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public IReadOnlyList<Account> Load()
    {
        if (!File.Exists(path))
        {
            return [];
        }

        AccountFileDto? dto;
        try
        {
            dto = JsonSerializer.Deserialize<AccountFileDto>(File.ReadAllBytes(path), Json);
        }
        catch (JsonException e)
        {
            throw new AccountFileException($"{path} is not a simulator account file: {e.Message}", e);
        }

        if (dto is null || dto.Version != FormatVersion)
        {
            throw new AccountFileException($"{path} has format version {dto?.Version}; this simulator reads version {FormatVersion}.");
        }

        return [.. dto.Accounts.Select(FromDto)];
    }

    public async Task SaveAsync(IEnumerable<Account> accounts, CancellationToken cancellationToken)
    {
        var dto = new AccountFileDto(FormatVersion, [.. accounts.OrderBy(a => a.Phone, StringComparer.Ordinal).Select(ToDto)]);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        await using (var stream = File.Create(temporary))
        {
            await JsonSerializer.SerializeAsync(stream, dto, Json, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        File.Move(temporary, path, overwrite: true);
    }

    private static AccountDto ToDto(Account account)
    {
        var (nextDevice, nextKeyIndex) = account.Counters;
        return new AccountDto(
            account.Phone,
            account.LidUser,
            Convert.ToBase64String(account.Identity.IdentityKey.PrivateKey.Span),
            account.Identity.RawId,
            account.RegistrationId,
            account.CreatedAt,
            nextDevice,
            nextKeyIndex,
            [.. account.Devices.Select(d => new DeviceDto(
                d.DeviceId,
                d.KeyIndex,
                Convert.ToBase64String(d.NoiseKey.Span),
                Convert.ToBase64String(d.IdentityKey.Span),
                d.RegistrationId,
                d.SignedPreKey.Id,
                Convert.ToBase64String(d.SignedPreKey.PublicKey.Span),
                Convert.ToBase64String(d.SignedPreKey.Signature.Span),
                d.Platform,
                d.LinkedAt,
                [.. d.PreKeys.Snapshot().Select(k => new PreKeyDto(k.Id, Convert.ToBase64String(k.PublicKey.Span)))],
                Ranges(d.PreKeys.ConsumedIds())))],
            account.NextPhonePreKeyId);
    }

    private static Account FromDto(AccountDto dto)
    {
        var account = new Account(dto.Phone, dto.LidUser, AccountIdentity.FromPrivateKey(Convert.FromBase64String(dto.IdentityPrivateKey), dto.RawId), dto.RegistrationId, dto.CreatedAt, dto.NextDeviceId, dto.NextKeyIndex, dto.NextPhonePreKeyId);
        foreach (var d in dto.Devices)
        {
            var device = new CompanionDevice(
                d.DeviceId,
                d.KeyIndex,
                Convert.FromBase64String(d.NoiseKey),
                Convert.FromBase64String(d.IdentityKey),
                d.RegistrationId,
                new SignedPreKey(d.SignedPreKeyId, Convert.FromBase64String(d.SignedPreKey), Convert.FromBase64String(d.SignedPreKeySignature)),
                d.Platform,
                d.LinkedAt);
            device.PreKeys.MarkConsumed((d.ConsumedPreKeys ?? []).SelectMany(r => Enumerable.Range(0, checked((int)(r.Last - r.First + 1))).Select(i => r.First + (uint)i)));
            device.PreKeys.Add(d.PreKeys.Select(k => (k.Id, (ReadOnlyMemory<byte>)Convert.FromBase64String(k.PublicKey))));
            account.AddDevice(device);
        }

        return account;
    }

    /// <summary>Ascending ids as inclusive ranges: keys are taken lowest first, so this stays a handful of entries.</summary>
    private static List<PreKeyIdRange> Ranges(IReadOnlyList<uint> ascending)
    {
        var ranges = new List<PreKeyIdRange>();
        foreach (var id in ascending)
        {
            if (ranges.Count > 0 && ranges[^1].Last + 1 == id)
            {
                ranges[^1] = ranges[^1] with { Last = id };
            }
            else
            {
                ranges.Add(new PreKeyIdRange(id, id));
            }
        }

        return ranges;
    }

    private sealed record AccountFileDto(int Version, IReadOnlyList<AccountDto> Accounts);

    private sealed record AccountDto(
        string Phone,
        string LidUser,
        string IdentityPrivateKey,
        uint RawId,
        uint RegistrationId,
        DateTimeOffset CreatedAt,
        int NextDeviceId,
        uint NextKeyIndex,
        IReadOnlyList<DeviceDto> Devices,
        uint NextPhonePreKeyId = 1);

    private sealed record DeviceDto(
        int DeviceId,
        uint KeyIndex,
        string NoiseKey,
        string IdentityKey,
        uint RegistrationId,
        uint SignedPreKeyId,
        string SignedPreKey,
        string SignedPreKeySignature,
        string Platform,
        DateTimeOffset LinkedAt,
        IReadOnlyList<PreKeyDto> PreKeys,
        IReadOnlyList<PreKeyIdRange>? ConsumedPreKeys = null);

    private sealed record PreKeyDto(uint Id, string PublicKey);

    private sealed record PreKeyIdRange(uint First, uint Last);
}

/// <summary>The account file exists but cannot be read.</summary>
internal sealed class AccountFileException(string message, Exception? inner = null) : Exception(message, inner);
