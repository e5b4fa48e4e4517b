#pragma once

#include <QVector>

#include <vector>

namespace dimerec {

// What a plot draws of a series: a subset of its points, in order.
struct DecimatedSeries {
    QVector<double> x;
    QVector<double> y;
};

// Min/max decimation for display: the points with x in [xMin, xMax] (plus one neighbour on
// each side, so lines run to the plot's edge) are split into `buckets` equal x-intervals and
// each interval keeps only its lowest and highest point, in their original order. Spikes
// survive, so the picture equals the full series' at a resolution of one bucket per pixel.
// With at most 2·buckets points in range, those points are returned unchanged. `x` must be
// sorted ascending; the input is never modified.
DecimatedSeries decimateMinMax(const std::vector<double>& x, const std::vector<double>& y,
                               double xMin, double xMax, int buckets);

}  // namespace dimerec
