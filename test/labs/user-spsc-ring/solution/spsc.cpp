// Reference solution of the user-spsc-ring lab (used by the test suite).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

// A bounded single-producer single-consumer ring: push only from one thread, pop only from another.
template <typename T, std::size_t N>
class SpscRing {
	static_assert((N & (N - 1)) == 0, "N must be a power of two");

public:
	bool push(const T &v)
	{
		const std::size_t t = tail_.load(std::memory_order_relaxed);
		if (t - head_.load(std::memory_order_acquire) == N)
			return false;					// full
		buf_[t & (N - 1)] = v;
		tail_.store(t + 1, std::memory_order_release);	// publishes buf_[t] to the consumer
		return true;
	}

	std::optional<T> pop()
	{
		const std::size_t h = head_.load(std::memory_order_relaxed);
		if (h == tail_.load(std::memory_order_acquire))
			return std::nullopt;				// empty
		T v = buf_[h & (N - 1)];
		head_.store(h + 1, std::memory_order_release);	// gives the slot back to the producer
		return v;
	}

private:
	alignas(64) std::atomic<std::size_t> head_{0};	// next slot to read (consumer's)
	alignas(64) std::atomic<std::size_t> tail_{0};	// next slot to write (producer's)
	T buf_[N];
};

// ---- the rest is the test program (unchanged from the starter) ----

// The baseline: a std::deque under a std::mutex.
template <typename T>
class MutexQueue {
public:
	bool push(const T &v)
	{
		std::lock_guard<std::mutex> g(m_);
		if (q_.size() == 1024)
			return false;
		q_.push_back(v);
		return true;
	}
	std::optional<T> pop()
	{
		std::lock_guard<std::mutex> g(m_);
		if (q_.empty())
			return std::nullopt;
		T v = q_.front();
		q_.pop_front();
		return v;
	}

private:
	std::mutex m_;
	std::deque<T> q_;
};

template <typename Q>
static int run(const char *name, long n)
{
	static Q q;
	long bad = -1, sum = 0;
	auto t0 = std::chrono::steady_clock::now();
	std::thread producer([&] {
		for (long i = 0; i < n; i++)
			while (!q.push(i))
				std::this_thread::yield();	// full: let the consumer run
	});
	for (long expect = 0; expect < n;) {
		if (auto v = q.pop()) {
			if (*v != expect && bad < 0)
				bad = expect;
			sum += *v;
			expect++;
		} else {
			std::this_thread::yield();		// empty: let the producer run
		}
	}
	producer.join();
	double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
	if (bad >= 0 || sum != n * (n - 1) / 2) {
		std::printf("%s: %ld items, WRONG: first bad item %ld, sum %ld (expected %ld)\n", name, n, bad, sum, n * (n - 1) / 2);
		return 1;
	}
	std::printf("%s: %ld items in order in %.1f ms\n", name, n, ms);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 3 || (std::strcmp(argv[1], "ring") && std::strcmp(argv[1], "mutex"))) {
		std::fprintf(stderr, "usage: %s ring|mutex ITEMS\n", argv[0]);
		return 2;
	}
	long n = std::atol(argv[2]);
	return std::strcmp(argv[1], "ring") == 0 ? run<SpscRing<long, 1024>>("ring", n) : run<MutexQueue<long>>("mutex", n);
}
