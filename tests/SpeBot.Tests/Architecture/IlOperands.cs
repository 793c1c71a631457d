using System.Reflection;
using System.Reflection.Emit;

namespace SpeBot.Tests.Architecture;

/// <summary>
/// A minimal IL walk for the architecture tests: each instruction's operand type and where its operand starts, enough
/// to read the tokens and string literals a method body uses without an IL library.
/// </summary>
internal static class IlOperands
{
    private static readonly Dictionary<short, OpCode> OpCodeByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    public static IEnumerable<(OperandType Type, int At)> Of(byte[] il)
    {
        var i = 0;
        while (i < il.Length)
        {
            short value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            var type = OpCodeByValue[value].OperandType;
            yield return (type, i);
            i += type switch
            {
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineNone => 0,
                _ => 4, // tokens, InlineBrTarget, InlineI, InlineSig, InlineString, ShortInlineR
            };
        }
    }
}
