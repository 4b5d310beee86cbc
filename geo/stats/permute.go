package stats

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
)

// graph is a compact (CSR) neighbour structure over the defined areas: the neighbours of area i
// are idx[off[i]:off[i+1]].
type graph struct {
	off []int32
	idx []int32
}

// n returns the number of areas in the graph.
func (g graph) n() int { return len(g.off) - 1 }

// nbrs returns the neighbours of area i.
func (g graph) nbrs(i int) []int32 { return g.idx[g.off[i]:g.off[i+1]] }

// permJob is one conditional-permutation run: for every area with neighbours, the sum of vals
// over its neighbours is compared with the sums over R random draws, without replacement, of
// as many values from the other n-1 areas.
type permJob struct {
	g     graph
	vals  []float64 // centred values whose neighbour sums are permuted
	ids   []int     // the input index of each area, which names its random stream
	perms int
	seed  uint64
}

// permOut holds, per area, the smaller-tail count M and the standardised position
// (S_obs - mean S_sim) / sd S_sim of the observed neighbour sum among the permuted sums.
type permOut struct {
	m []int
	z []float64
}

// chunkSize is the number of areas a worker claims at a time.
const chunkSize = 64

// tieTolerance is the relative tolerance under which two neighbour sums count as equal.
const tieTolerance = 1e-9

// run performs the job on all available cores. Each area draws from its own stream, seeded from
// (seed, input index), so the result does not depend on how areas are split among goroutines.
func (j permJob) run() permOut {
	n := j.g.n()
	out := permOut{m: make([]int, n), z: make([]float64, n)}
	scale := maxAbs(j.vals)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers(n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := newPermWorker(n)
			for {
				start := int(next.Add(chunkSize)) - chunkSize
				if start >= n {
					return
				}
				for i := start; i < min(start+chunkSize, n); i++ {
					out.m[i], out.z[i] = w.area(j, i, scale)
				}
			}
		}()
	}
	wg.Wait()
	return out
}

// workers returns how many goroutines to use for n areas.
func workers(n int) int {
	return max(1, min(runtime.GOMAXPROCS(0), (n+chunkSize-1)/chunkSize))
}

// permWorker is one goroutine's scratch space: a permutation of 0..n-1 that is restored to the
// identity after each area, and the positions drawn in the current permutation.
type permWorker struct {
	perm []int32
	drew []int32
	src  rand.PCG
}

// newPermWorker allocates the scratch space for n areas.
func newPermWorker(n int) *permWorker {
	w := &permWorker{perm: make([]int32, n)}
	for i := range w.perm {
		w.perm[i] = int32(i)
	}
	return w
}

// area runs the permutations for area i and returns its smaller-tail count and z-sim.
func (w *permWorker) area(j permJob, i int, scale float64) (int, float64) {
	nb := j.g.nbrs(i)
	k := len(nb)
	if k == 0 {
		return 0, 0
	}
	var obs float64
	for _, v := range nb {
		obs += j.vals[v]
	}
	w.src.Seed(j.seed, streamKey(j.ids[i]))
	if cap(w.drew) < k {
		w.drew = make([]int32, k)
	}
	drew := w.drew[:k]
	last := int32(len(w.perm) - 1)
	w.perm[i], w.perm[last] = w.perm[last], w.perm[i] // area i leaves the pool 0..n-2
	tol := tieTolerance * scale * float64(k)
	var ge, le int
	var sum, sumSq float64
	for range j.perms {
		d := w.draw(j.vals, drew, uint64(last)) - obs
		sum += d
		sumSq += d * d
		if d >= -tol {
			ge++
		}
		if d <= tol {
			le++
		}
	}
	w.perm[i], w.perm[last] = w.perm[last], w.perm[i]
	return min(ge, le), simZ(sum, sumSq, j.perms)
}

// draw takes len(drew) values without replacement from vals[perm[0:pool]] by a partial
// Fisher-Yates shuffle, returns their sum and undoes the shuffle.
func (w *permWorker) draw(vals []float64, drew []int32, pool uint64) float64 {
	perm := w.perm
	var s float64
	for t := range drew {
		r := t + int(bounded(&w.src, pool-uint64(t)))
		perm[t], perm[r] = perm[r], perm[t]
		drew[t] = int32(r)
		s += vals[perm[t]]
	}
	for t := len(drew) - 1; t >= 0; t-- {
		r := drew[t]
		perm[t], perm[r] = perm[r], perm[t]
	}
	return s
}

// simZ returns (obs - mean)/sd of the permuted sums from the sums of their deviations d = sim -
// obs: -mean(d)/sd(d), with the population sd; 0 when the permuted sums do not vary.
func simZ(sum, sumSq float64, r int) float64 {
	mean := sum / float64(r)
	variance := sumSq/float64(r) - mean*mean
	if variance <= 1e-12*sumSq/float64(r) {
		return 0
	}
	return -mean / math.Sqrt(variance)
}

// bounded returns a uniform integer in [0, n) by Lemire's multiply-and-reject method.
func bounded(src *rand.PCG, n uint64) uint64 {
	hi, lo := bits.Mul64(src.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(src.Uint64(), n)
		}
	}
	return hi
}

// streamKey derives the second PCG seed word of area i (SplitMix64 finaliser of i), so that
// neighbouring indices get unrelated streams.
func streamKey(i int) uint64 {
	z := uint64(i) + 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// maxAbs returns the largest absolute value in v (0 for an empty slice).
func maxAbs(v []float64) float64 {
	var m float64
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}
