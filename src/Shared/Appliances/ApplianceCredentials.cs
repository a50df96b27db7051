using System.Buffers.Text;
using System.Security.Cryptography;

namespace MigrateHub.Shared.Appliances;

/// <summary>A credential as the appliance presents it, split into its parts.</summary>
public sealed record ParsedApplianceCredential(string ProjectId, string ApplianceId, byte[] Secret);

/// <summary>What is stored of a credential: a random salt and the salted hash of the secret.</summary>
public sealed record StoredCredential(byte[] Salt, byte[] Hash);

/// <summary>
/// Appliance credentials: <c>mh1.{projectId}.{applianceId}.{secret}</c>, where the secret is 32 random
/// bytes (base64url). Only a per-credential random salt and HMAC-SHA256(salt, secret) are stored.
/// A slow password hash (PBKDF2, Argon2) protects low-entropy secrets chosen by people; a 256-bit
/// random secret cannot be guessed, so one keyed hash is as strong and stays cheap on every upload.
/// The ids in the credential only route the check to the right region and row; they are not secret.
/// </summary>
public static class ApplianceCredentials
{
    /// <summary>Header an appliance sends its credential in (<c>Authorization: Bearer</c> works too).</summary>
    public const string Header = "x-appliance-key";

    private const string Prefix = "mh1";
    private const int SecretBytes = 32;
    private const int SaltBytes = 16;

    /// <summary>A new credential: the text shown once to the caller and what is stored of it.</summary>
    public static (string Credential, StoredCredential Stored) Issue(string projectId, string applianceId)
    {
        var secret = RandomNumberGenerator.GetBytes(SecretBytes);
        try
        {
            var salt = RandomNumberGenerator.GetBytes(SaltBytes);
            var text = $"{Prefix}.{projectId}.{applianceId}.{Base64Url.EncodeToString(secret)}";
            return (text, new StoredCredential(salt, Hash(salt, secret)));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>Splits a presented credential; null when it is not in the expected form.</summary>
    public static ParsedApplianceCredential? Parse(string? credential)
    {
        if (string.IsNullOrWhiteSpace(credential) || credential.Length > 200)
        {
            return null;
        }

        var parts = credential.Trim().Split('.');
        if (parts.Length != 4 || parts[0] != Prefix || !IsId(parts[1]) || !IsId(parts[2]))
        {
            return null;
        }

        var secret = new byte[SecretBytes];
        return Base64Url.TryDecodeFromChars(parts[3], secret, out var written) && written == SecretBytes
            ? new ParsedApplianceCredential(parts[1], parts[2], secret)
            : null;
    }

    /// <summary>True when the secret matches what is stored (constant-time comparison).</summary>
    public static bool Verify(StoredCredential stored, byte[] secret)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(secret);
        if (stored.Salt.Length == 0 || stored.Hash.Length == 0)
        {
            return false;
        }

        var computed = Hash(stored.Salt, secret);
        return CryptographicOperations.FixedTimeEquals(computed, stored.Hash);
    }

    /// <summary>A new random id (32 lowercase hex digits).</summary>
    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static byte[] Hash(byte[] salt, byte[] secret) => HMACSHA256.HashData(salt, secret);

    private static bool IsId(string value) => value.Length == 32 && value.All(char.IsAsciiHexDigitLower);

    /// <summary>Reads the credential from the header or a bearer token.</summary>
    public static string? FromHeaders(string? applianceKeyHeader, string? authorizationHeader)
    {
        if (!string.IsNullOrWhiteSpace(applianceKeyHeader))
        {
            return applianceKeyHeader;
        }

        const string bearer = "Bearer ";
        return authorizationHeader is not null && authorizationHeader.StartsWith(bearer, StringComparison.OrdinalIgnoreCase)
            ? authorizationHeader[bearer.Length..].Trim()
            : null;
    }
}
