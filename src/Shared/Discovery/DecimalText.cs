namespace MigrateHub.Shared.Discovery;

/// <summary>
/// Parses the short decimals that performance data is made of ("23.456", "-0.5", "1200") without the general
/// floating-point parser: at most 15 significant digits and no exponent give an integer mantissa below 2^53 and a
/// power of ten of at most 10^22, both exact as doubles, so one IEEE division yields the correctly rounded value -
/// the same double the general parser returns (Clinger's fast path). Anything else (exponents, longer mantissas)
/// is left to the caller's general parser.
/// </summary>
public static class DecimalText
{
    /// <summary>Most significant digits the fast path takes (10^15 &lt; 2^53).</summary>
    public const int MaxDigits = 15;

    /// <summary>Most digits after the point the fast path takes (10^22 is the largest power of ten exact as a double).</summary>
    public const int MaxFractionDigits = 22;

    private static readonly double[] PowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
        1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>
    /// Parses <paramref name="utf8"/> as <c>-?digits(.digits)?</c> with at most <see cref="MaxDigits"/> significant
    /// digits and <see cref="MaxFractionDigits"/> digits after the point; false (and 0) for any other text, which the
    /// caller then parses in full.
    /// </summary>
    public static bool TryParseShort(ReadOnlySpan<byte> utf8, out double value)
    {
        value = 0;
        var i = 0;
        var negative = false;
        if (utf8.Length > 0 && utf8[0] == (byte)'-')
        {
            negative = true;
            i = 1;
        }

        long mantissa = 0;
        var significant = 0; // digits from the first non-zero one on
        var seenDigit = false;
        var fraction = -1; // digits after the point; -1: no point yet
        for (; i < utf8.Length; i++)
        {
            var c = utf8[i];
            var digit = c - (byte)'0';
            if ((uint)digit <= 9)
            {
                seenDigit = true;
                if ((mantissa != 0 || digit != 0) && ++significant > MaxDigits)
                {
                    return false;
                }

                mantissa = (mantissa * 10) + digit;
                if (fraction >= 0 && ++fraction > MaxFractionDigits)
                {
                    return false;
                }
            }
            else if (c == (byte)'.' && fraction < 0 && seenDigit)
            {
                fraction = 0;
            }
            else
            {
                return false; // exponent or anything unexpected
            }
        }

        if (!seenDigit || fraction == 0)
        {
            return false;
        }

        var result = (double)mantissa; // exact: mantissa < 10^15 < 2^53
        if (fraction > 0)
        {
            result /= PowersOfTen[fraction]; // fraction <= 22: an exact power of ten, one correctly rounded division
        }

        value = negative ? -result : result;
        return true;
    }
}
