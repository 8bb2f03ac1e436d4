using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Pairing;

namespace SessionCluster.Simulator.Accounts;

/// <summary>
/// One WhatsApp account: its phone number, LID, and the primary "phone" the simulator plays (device 0, holding
/// the account's identity key, which is also the ADV account signature key), plus the companions linked to it.
/// </summary>
/// <remarks>Thread-safe: the device list changes under a lock and is read as snapshots.</remarks>
internal sealed class Account
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, CompanionDevice> _devices = [];
    private int _nextDeviceId;
    private uint _nextKeyIndex;
    private uint _nextPhonePreKeyId;

    public Account(string phone, string lidUser, AccountIdentity identity, uint registrationId, DateTimeOffset createdAt, int nextDeviceId = 1, uint nextKeyIndex = 1, uint nextPhonePreKeyId = 1)
    {
        Phone = phone;
        LidUser = lidUser;
        Identity = identity;
        RegistrationId = registrationId;
        CreatedAt = createdAt;
        _nextDeviceId = nextDeviceId;
        _nextKeyIndex = nextKeyIndex;
        _nextPhonePreKeyId = nextPhonePreKeyId;
    }

    /// <summary>Digits only, e.g. <c>15550001111</c>.</summary>
    public string Phone { get; }

    /// <summary>The user part of the account's LID.</summary>
    public string LidUser { get; }

    /// <summary>The phone's identity key (also the ADV account signature key) and the account's ADV raw id.</summary>
    public AccountIdentity Identity { get; }

    public uint RegistrationId { get; }

    public DateTimeOffset CreatedAt { get; }

    public Jid Jid => new(Phone, JidServer.WhatsApp);

    public Jid Lid => new(LidUser, JidServer.Lid);

    public Jid DeviceJid(int device) => new(Phone, JidServer.WhatsApp, checked((ushort)device));

    public Jid DeviceLid(int device) => new(LidUser, JidServer.Lid, checked((ushort)device));

    /// <summary>Next device id and key index a linking would use (persisted so ids are never reused).</summary>
    public (int DeviceId, uint KeyIndex) Counters
    {
        get
        {
            lock (_lock)
            {
                return (_nextDeviceId, _nextKeyIndex);
            }
        }
    }

    /// <summary>Reserves the device id and key index for a companion being linked; never handed out twice.</summary>
    public (int DeviceId, uint KeyIndex) ReserveDevice()
    {
        lock (_lock)
        {
            return (_nextDeviceId++, _nextKeyIndex++);
        }
    }

    /// <summary>The first one-time prekey id the phone (device 0) has not generated yet (persisted, see below).</summary>
    public uint NextPhonePreKeyId
    {
        get
        {
            lock (_lock)
            {
                return _nextPhonePreKeyId;
            }
        }
    }

    /// <summary>
    /// Reserves <paramref name="count"/> consecutive one-time prekey ids for the phone and returns the first. The
    /// counter is persisted with the account, so the phone does not hand out an id again after a restart (only after
    /// wrapping past the 24-bit id space, as a real device does).
    /// </summary>
    public uint ReservePhonePreKeyIds(int count)
    {
        lock (_lock)
        {
            if (_nextPhonePreKeyId + (uint)count - 1 > SessionCluster.Protocol.Signal.PreKeyRecord.MaxId)
            {
                _nextPhonePreKeyId = 1;
            }

            var first = _nextPhonePreKeyId;
            _nextPhonePreKeyId += (uint)count;
            return first;
        }
    }

    public IReadOnlyList<CompanionDevice> Devices
    {
        get
        {
            lock (_lock)
            {
                return [.. _devices.Values.OrderBy(d => d.DeviceId)];
            }
        }
    }

    /// <summary>Device 0 (the phone) and every linked companion's id.</summary>
    public IReadOnlyList<int> DeviceIds => [0, .. Devices.Select(d => d.DeviceId)];

    public CompanionDevice? FindDevice(int deviceId)
    {
        lock (_lock)
        {
            return _devices.GetValueOrDefault(deviceId);
        }
    }

    public void AddDevice(CompanionDevice device)
    {
        lock (_lock)
        {
            if (!_devices.TryAdd(device.DeviceId, device))
            {
                throw new InvalidOperationException($"Device {device.DeviceId} is already linked to the account.");
            }
        }
    }

    /// <summary>Replaces a linked device's record (a signed-prekey rotation); false when it is not linked.</summary>
    public bool ReplaceDevice(CompanionDevice device)
    {
        lock (_lock)
        {
            if (!_devices.ContainsKey(device.DeviceId))
            {
                return false;
            }

            _devices[device.DeviceId] = device;
            return true;
        }
    }

    public bool RemoveDevice(int deviceId)
    {
        lock (_lock)
        {
            return _devices.Remove(deviceId);
        }
    }
}
