using System;

namespace ScratchOptim.Dsl
{
    /// <summary>
    /// One float32 element of a parameter, its gradient or a state buffer, as seen by an optimizer declaration.
    /// </summary>
    /// <remarks>
    /// The type makes a declaration's C# types tell its arithmetic: <c>double</c> expressions (hyperparameters and
    /// the step count) are step-uniform and computed in double precision; an <see cref="Element"/> expression is
    /// per-element and computed in float, and a <c>double</c> that meets an element is rounded to float at that point,
    /// as PyTorch rounds a Python scalar when it meets a tensor. The operators implement exactly that, one rounding
    /// per operation; the generated kernels compute the same values (and, by default, fuse multiply-adds).
    /// </remarks>
    public readonly struct Element : IEquatable<Element>
    {
        /// <summary>Creates an element holding <paramref name="value"/>.</summary>
        public Element(float value) => Value = value;

        /// <summary>The float32 value.</summary>
        public float Value { get; }

        /// <summary>Rounds a step-uniform double to float where it meets per-element values.</summary>
        public static implicit operator Element(double value) => new Element((float)value);

        /// <summary>Negation (exact).</summary>
        public static Element operator -(Element a) => new Element(-a.Value);

        /// <summary>Float sum.</summary>
        public static Element operator +(Element a, Element b) => new Element(a.Value + b.Value);

        /// <summary>Float difference.</summary>
        public static Element operator -(Element a, Element b) => new Element(a.Value - b.Value);

        /// <summary>Float product.</summary>
        public static Element operator *(Element a, Element b) => new Element(a.Value * b.Value);

        /// <summary>Float quotient.</summary>
        public static Element operator /(Element a, Element b) => new Element(a.Value / b.Value);

        /// <summary>Float sum with a scalar rounded to float.</summary>
        public static Element operator +(Element a, double b) => a + (Element)b;

        /// <summary>Float sum with a scalar rounded to float.</summary>
        public static Element operator +(double a, Element b) => (Element)a + b;

        /// <summary>Float difference with a scalar rounded to float.</summary>
        public static Element operator -(Element a, double b) => a - (Element)b;

        /// <summary>Float difference with a scalar rounded to float.</summary>
        public static Element operator -(double a, Element b) => (Element)a - b;

        /// <summary>Float product with a scalar rounded to float.</summary>
        public static Element operator *(Element a, double b) => a * (Element)b;

        /// <summary>Float product with a scalar rounded to float.</summary>
        public static Element operator *(double a, Element b) => (Element)a * b;

        /// <summary>Float quotient by a scalar rounded to float.</summary>
        public static Element operator /(Element a, double b) => a / (Element)b;

        /// <summary>
        /// A scalar divided by an element: the reciprocal of the element times the scalar rounded to float, which is
        /// how PyTorch evaluates <c>scalar / tensor</c>.
        /// </summary>
        public static Element operator /(double a, Element b) => new Element(1f / b.Value) * (Element)a;

        /// <summary>Compares the values.</summary>
        public static bool operator <(Element a, Element b) => a.Value < b.Value;

        /// <summary>Compares the values.</summary>
        public static bool operator >(Element a, Element b) => a.Value > b.Value;

        /// <summary>Compares the values.</summary>
        public static bool operator <=(Element a, Element b) => a.Value <= b.Value;

        /// <summary>Compares the values.</summary>
        public static bool operator >=(Element a, Element b) => a.Value >= b.Value;

        /// <summary>Compares the values (<c>+0 == -0</c>).</summary>
        public static bool operator ==(Element a, Element b) => a.Value == b.Value;

        /// <summary>Compares the values.</summary>
        public static bool operator !=(Element a, Element b) => a.Value != b.Value;

        /// <inheritdoc/>
        public bool Equals(Element other) => Value.Equals(other.Value);

        /// <inheritdoc/>
        public override bool Equals(object? obj) => obj is Element other && Equals(other);

        /// <inheritdoc/>
        public override int GetHashCode() => Value.GetHashCode();

        /// <inheritdoc/>
        public override string ToString() => Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
    }
}
