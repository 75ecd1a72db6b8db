/**
 * The inverse geodesic problem on the WGS-84 ellipsoid, distance and initial azimuth only: a port
 * of GeographicLib 2.2.0's JavaScript (src/Geodesic.js, src/Math.js), © Charles Karney 2011–2022, MIT
 * (LICENSE, and README.md on what is kept and changed, beside this file). Same arithmetic in the same order,
 * so the results are GeographicLib's to the last bit; a call allocates no objects or arrays.
 *
 * Why typed arrays between functions: V8 passes numbers to a function it has not inlined, and
 * returns them from it, as heap-allocated boxes. `lambda12`, `dlambda12` and `solveNewton` are too
 * large to be inlined into their callers, so they take their inputs from P and leave their results
 * in L, which hold doubles unboxed.
 */

// ---- The ellipsoid and GeographicLib's tolerances (Geodesic.js, its header and constructor) ----

const A = 6_378_137; // equatorial radius, metres
const F = 1 / 298.257223563; // flattening
const F1 = 1 - F;
const E2 = F * (2 - F);
const EP2 = E2 / (F1 * F1); // second eccentricity squared
const N = F / (2 - F); // third flattening
const B = A * F1; // polar semi-axis, metres
const DEGREE = Math.PI / 180;
const TINY = Math.sqrt(Number.MIN_VALUE / Number.EPSILON);
const TOL0 = Math.pow(0.5, 52);
const TOL1 = 200 * TOL0;
const TOL2 = Math.sqrt(TOL0);
const TOLB = TOL0;
const XTHRESH = 1000 * TOL2;
const MAXIT1 = 20;
const MAXIT2 = MAXIT1 + 53 + 10;
// Below this σ12 the auxiliary sphere, scaled at the mid-latitude, is the answer ("really short" lines).
const ETOL2 = (0.1 * TOL2) / Math.sqrt((Math.max(0.001, Math.abs(F)) * Math.min(1, 1 - F / 2)) / 2);
// InverseStart's `6 * |n| * π * cbet1²` with its first factors folded (exactly: the same products in the same order).
const ASTROID_LIMIT = 6 * Math.abs(N) * Math.PI;

// ---- Series coefficients that depend only on the ellipsoid (GeographicLib's order-6 expansions) ----

/** Horner's rule for p[s] xⁿ + … + p[s + n] (GeographicLib's `polyval`); used at load only. */
function polyval(n: number, p: readonly number[], s: number, x: number): number {
  let y = n < 0 ? 0 : p[s++]!;
  while (--n >= 0) y = y * x + p[s++]!;
  return y;
}

/** A3(ε) = mean of dI3/dσ, a polynomial in ε whose coefficients depend on n (A3coeff). */
const A3X = new Float64Array(6);
{
  const coeff = [-3, 128, -2, -3, 64, -1, -3, -1, 16, 3, -1, -2, 8, 1, -1, 2, 1, 1];
  let o = 0;
  for (let j = 5, k = 0; j >= 0; --j) {
    const p = Math.min(6 - j - 1, j);
    A3X[k++] = polyval(p, coeff, o, N) / coeff[o + p + 1]!;
    o += p + 2;
  }
}

/** C3[l](ε), l = 1..5, the longitude series: 15 polynomial coefficients that depend on n (C3coeff). */
const C3X = new Float64Array(15);
{
  const coeff = [
    3, 128, 2, 5, 128, -1, 3, 3, 64, -1, 0, 1, 8, -1, 1, 4, // C3[1]
    5, 256, 1, 3, 128, -3, -2, 3, 64, 1, -3, 2, 32, // C3[2]
    7, 512, -10, 9, 384, 5, -9, 5, 192, // C3[3]
    7, 512, -14, 7, 512, // C3[4]
    21, 2560, // C3[5]
  ];
  let o = 0;
  for (let l = 1, k = 0; l < 6; ++l) {
    for (let j = 5; j >= l; --j) {
      const p = Math.min(6 - j - 1, j);
      C3X[k++] = polyval(p, coeff, o, N) / coeff[o + p + 1]!;
      o += p + 2;
    }
  }
}

// ---- Series in ε (GeographicLib's A1m1f, C1f, A2m1f, C2f, A3f, C3f, SinCosSeries), unrolled ----

/** A1(ε) − 1, the distance series' scale factor. */
function a1m1f(eps: number): number {
  const eps2 = eps * eps;
  const t = (((1 * eps2 + 4) * eps2 + 64) * eps2 + 0) / 256;
  return (t + eps) / (1 - eps);
}

/** A2(ε) − 1, the reduced length's scale factor. */
function a2m1f(eps: number): number {
  const eps2 = eps * eps;
  const t = (((-11 * eps2 + -28) * eps2 + -192) * eps2 + 0) / 256;
  return (t - eps) / (1 + eps);
}

/** Fills c[1..6] with C1[l](ε), the distance series: ε^l times a polynomial in ε², over a constant. */
function c1f(eps: number, c: Float64Array): void {
  const eps2 = eps * eps;
  let d = eps;
  c[1] = (d * ((-1 * eps2 + 6) * eps2 + -16)) / 32;
  d *= eps;
  c[2] = (d * ((-9 * eps2 + 64) * eps2 + -128)) / 2048;
  d *= eps;
  c[3] = (d * (9 * eps2 + -16)) / 768;
  d *= eps;
  c[4] = (d * (3 * eps2 + -5)) / 512;
  d *= eps;
  c[5] = (d * -7) / 1280;
  d *= eps;
  c[6] = (d * -7) / 2048;
}

/** Fills c[1..6] with C2[l](ε), the reduced-length series. */
function c2f(eps: number, c: Float64Array): void {
  const eps2 = eps * eps;
  let d = eps;
  c[1] = (d * ((1 * eps2 + 2) * eps2 + 16)) / 32;
  d *= eps;
  c[2] = (d * ((35 * eps2 + 64) * eps2 + 384)) / 2048;
  d *= eps;
  c[3] = (d * (15 * eps2 + 80)) / 768;
  d *= eps;
  c[4] = (d * (7 * eps2 + 35)) / 512;
  d *= eps;
  c[5] = (d * 63) / 1280;
  d *= eps;
  c[6] = (d * 77) / 2048;
}

/** A3(ε). */
function a3f(eps: number): number {
  return ((((A3X[0]! * eps + A3X[1]!) * eps + A3X[2]!) * eps + A3X[3]!) * eps + A3X[4]!) * eps + A3X[5]!;
}

/** Σ c[l] sin 2lσ for l = 1..6, by Clenshaw summation from sin σ and cos σ. */
function sinSeries6(sinx: number, cosx: number, c: Float64Array): number {
  return sinSum6(sinx, cosx, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!);
}

/** Σ c_l sin 2lσ for l = 1..6, by Clenshaw summation from sin σ and cos σ. */
function sinSum6(sinx: number, cosx: number, c1: number, c2: number, c3: number, c4: number, c5: number, c6: number): number {
  const ar = 2 * (cosx - sinx) * (cosx + sinx);
  let y0 = 0;
  let y1 = 0;
  y1 = ar * y0 - y1 + c6;
  y0 = ar * y1 - y0 + c5;
  y1 = ar * y0 - y1 + c4;
  y0 = ar * y1 - y0 + c3;
  y1 = ar * y0 - y1 + c2;
  y0 = ar * y1 - y0 + c1;
  return 2 * sinx * cosx * y0;
}

/** Σ c_l sin 2lσ for l = 1..5, by Clenshaw summation from sin σ and cos σ. */
function sinSum5(sinx: number, cosx: number, c1: number, c2: number, c3: number, c4: number, c5: number): number {
  const ar = 2 * (cosx - sinx) * (cosx + sinx);
  let y0 = c5;
  let y1 = 0;
  y1 = ar * y0 - y1 + c4;
  y0 = ar * y1 - y0 + c3;
  y1 = ar * y0 - y1 + c2;
  y0 = ar * y1 - y0 + c1;
  return 2 * sinx * cosx * y0;
}

// Along a meridian ε = n: its distance and reduced-length series are constants.
const MERIDIAN_A1M1 = a1m1f(N);
const MERIDIAN_A2M1 = a2m1f(N);
const MERIDIAN_C1 = new Float64Array(7);
const MERIDIAN_C2 = new Float64Array(7);
c1f(N, MERIDIAN_C1);
c2f(N, MERIDIAN_C2);

// ---- Where functions exchange doubles (see "Why typed arrays" above) ----

/** sincosd's and sincosde's results: [sin, cos]. */
const SC = new Float64Array(2);

/** The problem in canonical form and the trial azimuth α1: lambda12's input, solveNewton's input and output. */
const P = new Float64Array(10);
const P_SBET1 = 0; // sin β1 (reduced latitude), β1 ≤ 0
const P_CBET1 = 1;
const P_DN1 = 2; // √(1 + e′² sin² β1)
const P_SBET2 = 3;
const P_CBET2 = 4;
const P_DN2 = 5;
const P_SLAM12 = 6; // sin λ12 of the target longitude difference, λ12 in [0, π]
const P_CLAM12 = 7;
const P_SALP1 = 8; // sin α1
const P_CALP1 = 9;

/** What lambda12 computes for P's α1 (and what dlambda12 and solveNewton go on from). */
const L = new Float64Array(12);
const L_V = 0; // λ12(α1) minus the target λ12, radians
const L_SALP2 = 1; // α2, the azimuth at point 2
const L_CALP2 = 2;
const L_SIG12 = 3; // σ12, the arc length on the auxiliary sphere, radians
const L_SSIG1 = 4; // σ1, from the equator crossing
const L_CSIG1 = 5;
const L_SSIG2 = 6;
const L_CSIG2 = 7;
const L_EPS = 8; // ε, the expansion parameter of this geodesic
const L_DV = 9; // dλ12/dα1, from dlambda12
const L_S12 = 10; // solveNewton's distance, metres

// ---- Angles in degrees (GeographicLib's Math.js) ----

/** |x| with the sign of y, where −0 counts as negative. */
function copysign(x: number, y: number): number {
  return Math.abs(x) * (y < 0 || (y === 0 && 1 / y < 0) ? -1 : 1);
}

/** x reduced to [−y/2, y/2]. */
function remainder(x: number, y: number): number {
  x %= y;
  return x < -y / 2 ? x + y : x < y / 2 ? x : x - y;
}

/** Rounds angles within 1/16° of zero to multiples of 2⁻⁵⁷°, so that nearly-equatorial points count as equatorial. */
function angRound(x: number): number {
  const z = 1 / 16;
  let y = Math.abs(x);
  y = y < z ? z - (z - y) : y;
  return copysign(y, x);
}

/** Writes sin x and cos x into SC, x in degrees, reduced exactly to [−45°, 45°] before conversion. */
function sincosd(x: number): void {
  const d = x % 360;
  const q = Math.round(d / 90);
  sincosQuadrant(d - 90 * q, q, x);
}

/** sincosd of x + t, where t is a small correction to x (the rounding error of a difference). */
function sincosde(x: number, t: number): void {
  const d = x % 360;
  const q = Math.round(d / 90);
  sincosQuadrant(angRound(d - 90 * q + t), q, x + t);
}

/**
 * The shared tail of sincosd and sincosde: sin and cos of `d` degrees (already reduced to
 * [−45°, 45°]) turned by `q` quarter turns, exact at ±30° and ±45°, a zero sine signed as `angle`.
 */
function sincosQuadrant(d: number, q: number, angle: number): void {
  const r = d * DEGREE;
  let s = Math.sin(r);
  let c = Math.cos(r);
  if (Math.abs(d) === 45) {
    c = Math.sqrt(0.5);
    s = copysign(c, r);
  } else if (Math.abs(d) === 30) {
    c = Math.sqrt(0.75);
    s = copysign(0.5, r);
  }
  const quadrant = q & 3;
  const sinx = quadrant === 0 ? s : quadrant === 1 ? c : quadrant === 2 ? -s : -c;
  SC[0] = sinx === 0 ? copysign(sinx, angle) : sinx;
  SC[1] = (quadrant === 0 ? c : quadrant === 1 ? -s : quadrant === 2 ? -c : s) + 0;
}

/** atan2(y, x) in degrees, in [−180°, 180°], computed on [−45°, 45°] for accuracy. */
function atan2d(y: number, x: number): number {
  let q = 0;
  if (Math.abs(y) > Math.abs(x)) {
    const swap = x;
    x = y;
    y = swap;
    q = 2;
  }
  if (copysign(1, x) < 0) {
    x = -x;
    ++q;
  }
  const ang = Math.atan2(y, x) / DEGREE;
  if (q === 1) return copysign(180, y) - ang;
  if (q === 2) return 90 - ang;
  if (q === 3) return -90 + ang;
  return ang;
}

/** GeographicLib's hypot, √(x² + y²): Math.hypot rounds differently (GeographicLib's GeodSolve92). */
function hypot(x: number, y: number): number {
  return Math.sqrt(x * x + y * y);
}

// ---- Karney's inverse ----

/**
 * Follows the geodesic leaving point 1 at azimuth α1 (P) to point 2's latitude: how far its
 * longitude difference λ12(α1) misses the target's, and the quantities solveNewton and dlambda12
 * go on from (L). GeographicLib's `Lambda12` without its derivative, which is dlambda12.
 */
function lambda12(): void {
  const sbet1 = P[P_SBET1]!;
  const cbet1 = P[P_CBET1]!;
  const sbet2 = P[P_SBET2]!;
  const cbet2 = P[P_CBET2]!;
  const slam120 = P[P_SLAM12]!;
  const clam120 = P[P_CLAM12]!;
  const salp1 = P[P_SALP1]!;
  let calp1 = P[P_CALP1]!;
  // Break the degeneracy of the equatorial line (that case was handled before).
  if (sbet1 === 0 && calp1 === 0) calp1 = -TINY;
  // sin α0 = sin α1 cos β1; tan β1 = tan σ1 cos α1; tan ω1 = sin α0 tan σ1.
  const salp0 = salp1 * cbet1;
  const salp1sbet1 = salp1 * sbet1;
  const calp0 = Math.sqrt(calp1 * calp1 + salp1sbet1 * salp1sbet1); // hypot
  let ssig1 = sbet1;
  const somg1 = salp0 * sbet1;
  let csig1 = calp1 * cbet1;
  const comg1 = csig1;
  let t = Math.sqrt(ssig1 * ssig1 + csig1 * csig1);
  ssig1 /= t;
  csig1 /= t;
  // sin α2 cos β2 = sin α0; calp2 is chosen so that the case |β2| = −β1, where Newton's method can
  // become singular, keeps its symmetries.
  const salp2 = cbet2 !== cbet1 ? salp0 / cbet2 : salp1;
  const calp1cbet1 = calp1 * cbet1;
  const calp2 =
    cbet2 !== cbet1 || Math.abs(sbet2) !== -sbet1
      ? Math.sqrt(calp1cbet1 * calp1cbet1 + (cbet1 < -sbet1 ? (cbet2 - cbet1) * (cbet1 + cbet2) : (sbet1 - sbet2) * (sbet1 + sbet2))) / cbet2
      : Math.abs(calp1);
  let ssig2 = sbet2;
  const somg2 = salp0 * sbet2;
  let csig2 = calp2 * cbet2;
  const comg2 = csig2;
  t = Math.sqrt(ssig2 * ssig2 + csig2 * csig2);
  ssig2 /= t;
  csig2 /= t;
  // σ12 and ω12 limited to [0, π]; η = ω12 − λ12 (target).
  const sig12 = Math.atan2(Math.max(0, csig1 * ssig2 - ssig1 * csig2), csig1 * csig2 + ssig1 * ssig2);
  const somg12 = Math.max(0, comg1 * somg2 - somg1 * comg2);
  const comg12 = comg1 * comg2 + somg1 * somg2;
  const eta = Math.atan2(somg12 * clam120 - comg12 * slam120, comg12 * clam120 + somg12 * slam120);
  const k2 = calp0 * calp0 * EP2;
  const eps = k2 / (2 * (1 + Math.sqrt(1 + k2)) + k2);
  // C3[l](ε) (C3f), B312 = Σ C3[l] (sin 2lσ2 − sin 2lσ1), and λ12 − ω12 = −f A3(ε) sin α0 (σ12 + B312).
  let mult = eps;
  const c31 = mult * ((((C3X[0]! * eps + C3X[1]!) * eps + C3X[2]!) * eps + C3X[3]!) * eps + C3X[4]!);
  mult *= eps;
  const c32 = mult * (((C3X[5]! * eps + C3X[6]!) * eps + C3X[7]!) * eps + C3X[8]!);
  mult *= eps;
  const c33 = mult * ((C3X[9]! * eps + C3X[10]!) * eps + C3X[11]!);
  mult *= eps;
  const c34 = mult * (C3X[12]! * eps + C3X[13]!);
  mult *= eps;
  const c35 = mult * C3X[14]!;
  const b312 = sinSum5(ssig2, csig2, c31, c32, c33, c34, c35) - sinSum5(ssig1, csig1, c31, c32, c33, c34, c35);
  const a3 = ((((A3X[0]! * eps + A3X[1]!) * eps + A3X[2]!) * eps + A3X[3]!) * eps + A3X[4]!) * eps + A3X[5]!;
  const domg12 = -F * a3 * salp0 * (sig12 + b312);
  L[L_V] = eta + domg12;
  L[L_SALP2] = salp2;
  L[L_CALP2] = calp2;
  L[L_SIG12] = sig12;
  L[L_SSIG1] = ssig1;
  L[L_CSIG1] = csig1;
  L[L_SSIG2] = ssig2;
  L[L_CSIG2] = csig2;
  L[L_EPS] = eps;
}

/**
 * dλ12/dα1 for the α1 lambda12 last followed, into L: from the reduced length m12 (GeographicLib's
 * `Lengths` with REDUCEDLENGTH only, its series inlined), J12 = (A1 − A2) σ12 + Σ (A1 C1[l] − A2 C2[l])
 * (sin 2lσ2 − sin 2lσ1).
 */
function dlambda12(): void {
  const sbet1 = P[P_SBET1]!;
  const cbet2 = P[P_CBET2]!;
  const dn1 = P[P_DN1]!;
  const dn2 = P[P_DN2]!;
  const calp2 = L[L_CALP2]!;
  if (calp2 === 0) {
    L[L_DV] = (-2 * F1 * dn1) / sbet1;
    return;
  }
  const eps = L[L_EPS]!;
  const sig12 = L[L_SIG12]!;
  const ssig1 = L[L_SSIG1]!;
  const csig1 = L[L_CSIG1]!;
  const ssig2 = L[L_SSIG2]!;
  const csig2 = L[L_CSIG2]!;
  const eps2 = eps * eps;
  let a1 = ((((1 * eps2 + 4) * eps2 + 64) * eps2 + 0) / 256 + eps) / (1 - eps); // A1m1f
  let d = eps;
  const c11 = (d * ((-1 * eps2 + 6) * eps2 + -16)) / 32; // C1f
  d *= eps;
  const c12 = (d * ((-9 * eps2 + 64) * eps2 + -128)) / 2048;
  d *= eps;
  const c13 = (d * (9 * eps2 + -16)) / 768;
  d *= eps;
  const c14 = (d * (3 * eps2 + -5)) / 512;
  d *= eps;
  const c15 = (d * -7) / 1280;
  d *= eps;
  const c16 = (d * -7) / 2048;
  let a2 = ((((-11 * eps2 + -28) * eps2 + -192) * eps2 + 0) / 256 - eps) / (1 + eps); // A2m1f
  d = eps;
  const c21 = (d * ((1 * eps2 + 2) * eps2 + 16)) / 32; // C2f
  d *= eps;
  const c22 = (d * ((35 * eps2 + 64) * eps2 + 384)) / 2048;
  d *= eps;
  const c23 = (d * (15 * eps2 + 80)) / 768;
  d *= eps;
  const c24 = (d * (7 * eps2 + 35)) / 512;
  d *= eps;
  const c25 = (d * 63) / 1280;
  d *= eps;
  const c26 = (d * 77) / 2048;
  const m0x = a1 - a2;
  a2 = 1 + a2;
  a1 = 1 + a1;
  const j1 = a1 * c11 - a2 * c21;
  const j2 = a1 * c12 - a2 * c22;
  const j3 = a1 * c13 - a2 * c23;
  const j4 = a1 * c14 - a2 * c24;
  const j5 = a1 * c15 - a2 * c25;
  const j6 = a1 * c16 - a2 * c26;
  const j12 = m0x * sig12 + (sinSum6(ssig2, csig2, j1, j2, j3, j4, j5, j6) - sinSum6(ssig1, csig1, j1, j2, j3, j4, j5, j6));
  const m12b = dn2 * (csig1 * ssig2) - dn1 * (ssig1 * csig2) - csig1 * csig2 * j12;
  L[L_DV] = m12b * (F1 / (calp2 * cbet2));
}

/**
 * Newton's method on v(α1) = λ12(α1) − λ12, from the estimate of α1 in P, then the distance: leaves
 * α1 in P, α2 and s12 in L. v has one root in (0, π), where its slope is positive; a bracket around
 * the root shrinks with each evaluation, and a step that would leave (0, π) or follows a
 * non-positive slope is replaced by the bracket's midpoint (GeographicLib notes that WGS-84 never
 * needs that fallback; it is kept, as transcribed, for safety).
 */
function solveNewton(): void {
  let salp1 = P[P_SALP1]!;
  let calp1 = P[P_CALP1]!;
  let salp1a = TINY;
  let calp1a = 1;
  let salp1b = TINY;
  let calp1b = -1;
  let tripn = false;
  let tripb = false;
  let t: number;
  for (let numit = 0; ; ++numit) {
    P[P_SALP1] = salp1;
    P[P_CALP1] = calp1;
    lambda12();
    const v = L[L_V]!;
    // Reversed test, so that NaN escapes.
    if (tripb || !(Math.abs(v) >= (tripn ? 8 : 1) * TOL0) || numit === MAXIT2) break;
    if (v > 0 && (numit < MAXIT1 || calp1 / salp1 > calp1b / salp1b)) {
      salp1b = salp1;
      calp1b = calp1;
    } else if (v < 0 && (numit < MAXIT1 || calp1 / salp1 < calp1a / salp1a)) {
      salp1a = salp1;
      calp1a = calp1;
    }
    if (numit < MAXIT1) {
      dlambda12();
      const dv = L[L_DV]!;
      if (dv > 0) {
        const dalp1 = -v / dv;
        if (Math.abs(dalp1) < Math.PI) {
          const sdalp1 = Math.sin(dalp1);
          const cdalp1 = Math.cos(dalp1);
          const nsalp1 = salp1 * cdalp1 + calp1 * sdalp1;
          if (nsalp1 > 0) {
            calp1 = calp1 * cdalp1 - salp1 * sdalp1;
            salp1 = nsalp1;
            t = hypot(salp1, calp1);
            salp1 /= t;
            calp1 /= t;
            // Where the slope vanishes convergence is not quadratic: test against ε, not √ε.
            tripn = Math.abs(v) <= 16 * TOL0;
            continue;
          }
        }
      }
    }
    salp1 = (salp1a + salp1b) / 2;
    calp1 = (calp1a + calp1b) / 2;
    t = hypot(salp1, calp1);
    salp1 /= t;
    calp1 /= t;
    tripn = false;
    tripb = Math.abs(salp1a - salp1) + (calp1a - calp1) < TOLB || Math.abs(salp1 - salp1b) + (calp1 - calp1b) < TOLB;
  }
  // The distance (Lengths with DISTANCE only): s12 = b A1 (σ12 + Σ C1[l] (sin 2lσ2 − sin 2lσ1)).
  const eps = L[L_EPS]!;
  const eps2 = eps * eps;
  const a1 = 1 + ((((1 * eps2 + 4) * eps2 + 64) * eps2 + 0) / 256 + eps) / (1 - eps);
  let d = eps;
  const c11 = (d * ((-1 * eps2 + 6) * eps2 + -16)) / 32;
  d *= eps;
  const c12 = (d * ((-9 * eps2 + 64) * eps2 + -128)) / 2048;
  d *= eps;
  const c13 = (d * (9 * eps2 + -16)) / 768;
  d *= eps;
  const c14 = (d * (3 * eps2 + -5)) / 512;
  d *= eps;
  const c15 = (d * -7) / 1280;
  d *= eps;
  const c16 = (d * -7) / 2048;
  const b1 =
    sinSum6(L[L_SSIG2]!, L[L_CSIG2]!, c11, c12, c13, c14, c15, c16) - sinSum6(L[L_SSIG1]!, L[L_CSIG1]!, c11, c12, c13, c14, c15, c16);
  L[L_S12] = a1 * (L[L_SIG12]! + b1) * B;
}

/** The positive root k of k⁴ + 2k³ − (x² + y² − 1)k² − 2y²k − y² = 0 (the astroid problem). */
function astroid(x: number, y: number): number {
  const p = x * x;
  const q = y * y;
  const r = (p + q - 1) / 6;
  if (q === 0 && r <= 0) return 0; // y = 0 with |x| ≤ 1
  const S = (p * q) / 4;
  const r2 = r * r;
  const r3 = r * r2;
  const disc = S * (S + 2 * r3);
  let u = r;
  if (disc >= 0) {
    let T3 = S + r3;
    T3 += T3 < 0 ? -Math.sqrt(disc) : Math.sqrt(disc);
    const T = Math.cbrt(T3);
    u += T + (T !== 0 ? r2 / T : 0);
  } else {
    const ang = Math.atan2(Math.sqrt(-disc), -(S + r3));
    u += 2 * r * Math.cos(ang / 3);
  }
  const v = Math.sqrt(u * u + q);
  const uv = u < 0 ? q / (v - u) : u + v;
  const w = (uv - q) / (2 * v);
  return uv / (Math.sqrt(uv + w * w) + w);
}

/**
 * Solves the inverse geodesic problem on WGS-84 from (lat1, lon1) to (lat2, lon2), in degrees, and
 * writes into `out`:
 *  - `out[0]`: the distance s12 in metres, ≥ 0;
 *  - `out[1]`: the azimuth azi1 at the first point, in degrees clockwise from north, in [−180°, 180°].
 *
 * Both are `Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2).s12` and `.azi1`, bit for bit, including
 * where the azimuth is a convention rather than a property of the geodesic: for coincident points
 * (often 180°, depending on the latitude), from a pole, and between antipodal points, where many
 * geodesics are shortest and GeographicLib picks one. Longitudes may be any finite numbers; a
 * latitude outside [−90°, 90°], or a NaN input, gives NaN for both.
 *
 * A caller-owned array, not a returned object, so a call allocates nothing: keep one `Float64Array(2)` and reuse
 * it; nothing of it is kept between calls.
 */
export function wgs84Inverse(lat1: number, lon1: number, lat2: number, lon2: number, out: Float64Array): void {
  // LatFix (NaN outside [−90°, 90°]), then AngRound: points within 2⁻⁵⁷° of the equator are on it.
  lat1 = angRound(Math.abs(lat1) > 90 ? NaN : lat1);
  lat2 = angRound(Math.abs(lat2) > 90 ? NaN : lat2);

  // AngDiff: lon12 + lon12s = lon2 − lon1 reduced to [−180°, 180°] exactly, by two error-free sums.
  let u = remainder(-lon1, 360);
  let v = remainder(lon2, 360);
  let s = u + v;
  let up = s - v;
  let vpp = s - up;
  up -= u;
  vpp -= v;
  let e = s ? 0 - (up + vpp) : s;
  u = remainder(s, 360);
  v = e;
  s = u + v;
  up = s - v;
  vpp = s - up;
  up -= u;
  vpp -= v;
  e = s ? 0 - (up + vpp) : s;
  let lon12 = s;
  let lon12s = e;
  if (lon12 === 0 || Math.abs(lon12) === 180) lon12 = copysign(lon12, lon12s === 0 ? lon2 - lon1 : -lon12s);

  // The canonical form: 0 ≤ lon12 ≤ 180°, point 1 the one with the larger |latitude| (or a NaN
  // one), lat1 ≤ 0; hence lat1 ≤ lat2 ≤ −lat1. lonsign, swapp and latsign record the changes.
  let lonsign = copysign(1, lon12);
  lon12 *= lonsign;
  lon12s *= lonsign;
  const lam12 = lon12 * DEGREE;
  sincosde(lon12, lon12s);
  const slam12 = SC[0]!;
  const clam12 = SC[1]!;
  lon12s = 180 - lon12 - lon12s; // the supplementary longitude difference
  const swapp = Math.abs(lat1) < Math.abs(lat2) || Number.isNaN(lat2) ? -1 : 1;
  if (swapp < 0) {
    lonsign *= -1;
    const swap = lat1;
    lat1 = lat2;
    lat2 = swap;
  }
  const latsign = copysign(1, -lat1);
  lat1 *= latsign;
  lat2 *= latsign;

  // Reduced latitudes β, with cos β = +tiny rather than 0 at the poles.
  sincosd(lat1);
  let sbet1 = F1 * SC[0]!;
  let cbet1 = SC[1]!;
  let t = hypot(sbet1, cbet1);
  sbet1 /= t;
  cbet1 /= t;
  cbet1 = Math.max(TINY, cbet1);
  sincosd(lat2);
  let sbet2 = F1 * SC[0]!;
  let cbet2 = SC[1]!;
  t = hypot(sbet2, cbet2);
  sbet2 /= t;
  cbet2 /= t;
  cbet2 = Math.max(TINY, cbet2);
  // Where |β2| and |β1| differ by rounding only, make them equal (lambda12 relies on it).
  if (cbet1 < -sbet1) {
    if (cbet2 === cbet1) sbet2 = copysign(sbet1, sbet2);
  } else if (Math.abs(sbet2) === -sbet1) {
    cbet2 = cbet1;
  }
  const dn1 = Math.sqrt(1 + EP2 * (sbet1 * sbet1));
  const dn2 = Math.sqrt(1 + EP2 * (sbet2 * sbet2));

  let s12x = NaN;
  let salp1 = NaN;
  let calp1 = NaN;
  let salp2 = NaN;
  let calp2 = NaN;

  let meridian = lat1 === -90 || slam12 === 0;
  if (meridian) {
    // Both points on one full meridian (or point 1 at a pole): the geodesic may run along it.
    calp1 = clam12;
    salp1 = slam12; // head towards the target's longitude
    calp2 = 1;
    salp2 = 0; // arrive heading north
    const ssig1 = sbet1;
    const csig1 = calp1 * cbet1;
    const ssig2 = sbet2;
    const csig2 = calp2 * cbet2;
    let sig12 = Math.atan2(Math.max(0, csig1 * ssig2 - ssig1 * csig2), csig1 * csig2 + ssig1 * ssig2);
    // Lengths(n, …) with DISTANCE and REDUCEDLENGTH, its series for ε = n computed at load.
    const a1 = 1 + MERIDIAN_A1M1;
    const a2 = 1 + MERIDIAN_A2M1;
    const m0x = MERIDIAN_A1M1 - MERIDIAN_A2M1;
    const b1 = sinSeries6(ssig2, csig2, MERIDIAN_C1) - sinSeries6(ssig1, csig1, MERIDIAN_C1);
    s12x = a1 * (sig12 + b1);
    const b2 = sinSeries6(ssig2, csig2, MERIDIAN_C2) - sinSeries6(ssig1, csig1, MERIDIAN_C2);
    const j12 = m0x * sig12 + (a1 * b1 - a2 * b2);
    let m12x = dn2 * (csig1 * ssig2) - dn1 * (ssig1 * csig2) - csig1 * csig2 * j12;
    if (sig12 < TOL2 || m12x >= 0) {
      // Zero-length geodesics can give m12 < 0, or s12 < 0 by rounding.
      if (sig12 < 3 * TINY || (sig12 < TOL0 && (s12x < 0 || m12x < 0))) sig12 = m12x = s12x = 0;
      s12x *= B;
    } else {
      meridian = false; // m12 < 0: "prolate and too close to anti-podal" (GeographicLib); on WGS-84, NaN input only
    }
  }

  if (!meridian && sbet1 === 0 && lon12s >= F * 180) {
    // Both points on the equator, not too far apart: the geodesic is the equator.
    calp1 = calp2 = 0;
    salp1 = salp2 = 1;
    s12x = A * lam12;
  } else if (!meridian) {
    // InverseStart: α1 on the auxiliary sphere; for really short lines that is the answer.
    let sig12 = -1;
    let dnm = NaN;
    const sbet12 = sbet2 * cbet1 - cbet2 * sbet1;
    const cbet12 = cbet2 * cbet1 + sbet2 * sbet1;
    let sbet12a = sbet2 * cbet1;
    sbet12a += cbet2 * sbet1;
    const shortline = cbet12 >= 0 && sbet12 < 0.5 && cbet2 * lam12 < 0.5;
    let somg12: number;
    let comg12: number;
    if (shortline) {
      let sbetm2 = (sbet1 + sbet2) * (sbet1 + sbet2);
      sbetm2 /= sbetm2 + (cbet1 + cbet2) * (cbet1 + cbet2);
      dnm = Math.sqrt(1 + EP2 * sbetm2);
      const omg12 = lam12 / (F1 * dnm);
      somg12 = Math.sin(omg12);
      comg12 = Math.cos(omg12);
    } else {
      somg12 = slam12;
      comg12 = clam12;
    }
    salp1 = cbet2 * somg12;
    calp1 =
      comg12 >= 0
        ? sbet12 + (cbet2 * sbet1 * (somg12 * somg12)) / (1 + comg12)
        : sbet12a - (cbet2 * sbet1 * (somg12 * somg12)) / (1 - comg12);
    const ssig12 = hypot(salp1, calp1);
    const csig12 = sbet1 * sbet2 + cbet1 * cbet2 * comg12;
    if (shortline && ssig12 < ETOL2) {
      salp2 = cbet1 * somg12;
      calp2 = sbet12 - cbet1 * sbet2 * (comg12 >= 0 ? (somg12 * somg12) / (1 + comg12) : 1 - comg12);
      t = hypot(salp2, calp2);
      salp2 /= t;
      calp2 /= t;
      sig12 = Math.atan2(ssig12, csig12);
    } else if (csig12 >= 0 || ssig12 >= ASTROID_LIMIT * (cbet1 * cbet1)) {
      // Not nearly antipodal: the spherical estimate will do.
    } else {
      // Nearly antipodal: scale to coordinates where the antipode is the origin and the singular
      // point is (−1, 0), x along the longitude and y along the latitude.
      const lam12x = Math.atan2(-slam12, -clam12); // λ12 − π
      const k2 = sbet1 * sbet1 * EP2;
      const eps = k2 / (2 * (1 + Math.sqrt(1 + k2)) + k2);
      const lamscale = F * cbet1 * a3f(eps) * Math.PI;
      const betscale = lamscale * cbet1;
      const x = lam12x / lamscale;
      const y = sbet12a / betscale;
      if (y > -TOL1 && x > -1 - XTHRESH) {
        // In the strip near the cut.
        salp1 = Math.min(1, -x);
        calp1 = -Math.sqrt(1 - salp1 * salp1);
      } else {
        // ω12 from the astroid, then α1 from the spherical formula.
        const k = astroid(x, y);
        const omg12a = lamscale * ((-x * k) / (1 + k));
        somg12 = Math.sin(omg12a);
        comg12 = -Math.cos(omg12a);
        salp1 = cbet2 * somg12;
        calp1 = sbet12a - (cbet2 * sbet1 * (somg12 * somg12)) / (1 - comg12);
      }
    }
    // Sanity check on the estimate; the reversed test lets NaN through.
    if (!(salp1 <= 0)) {
      t = hypot(salp1, calp1);
      salp1 /= t;
      calp1 /= t;
    } else {
      salp1 = 1;
      calp1 = 0;
    }

    if (sig12 >= 0) {
      s12x = sig12 * B * dnm;
    } else {
      P[P_SBET1] = sbet1;
      P[P_CBET1] = cbet1;
      P[P_DN1] = dn1;
      P[P_SBET2] = sbet2;
      P[P_CBET2] = cbet2;
      P[P_DN2] = dn2;
      P[P_SLAM12] = slam12;
      P[P_CLAM12] = clam12;
      P[P_SALP1] = salp1;
      P[P_CALP1] = calp1;
      solveNewton();
      salp1 = P[P_SALP1]!;
      calp1 = P[P_CALP1]!;
      salp2 = L[L_SALP2]!;
      calp2 = L[L_CALP2]!;
      s12x = L[L_S12]!;
    }
  }

  out[0] = 0 + s12x; // −0 becomes 0
  // Back from the canonical form: after a swap, azi1 is the swapped geodesic's azi2.
  if (swapp < 0) {
    salp1 = salp2;
    calp1 = calp2;
  }
  salp1 *= swapp * lonsign;
  calp1 *= swapp * latsign;
  out[1] = atan2d(salp1, calp1);
}
