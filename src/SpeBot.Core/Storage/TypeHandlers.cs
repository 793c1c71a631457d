using System.Data;
using Dapper;

namespace SpeBot.Core.Storage;

/// <summary>Times live in the database as one fixed UTC ISO-8601 text format, so text order is time order.</summary>
public static class Iso
{
    public const string Format = "yyyy-MM-ddTHH:mm:ss.fffZ";

    public static string Of(DateTimeOffset t) => t.UtcDateTime.ToString(Format, System.Globalization.CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string s) =>
        DateTimeOffset.Parse(s, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal);
}

internal static class TypeHandlers
{
    private static int _registered;

    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1) return;
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        // Dapper's built-in map wins over handlers when writing parameters, so drop it or SetValue is never called.
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset));
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset?));
        SqlMapper.AddTypeHandler(new DateTimeOffsetHandler());
    }

    private sealed class DateTimeOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
        {
            parameter.DbType = DbType.String;
            parameter.Value = Iso.Of(value);
        }

        public override DateTimeOffset Parse(object value) => Iso.Parse((string)value);
    }
}
