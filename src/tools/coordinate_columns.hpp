#pragma once
// Reading coordinates from a motion table (.mot/.sto) the way every tool needs them: time strictly
// increasing, each coordinate's column in model units (deg -> rad for rotational coordinates when
// the table says inDegrees=yes; Coupled never), every value finite, and a warning when a table
// marked inDegrees=no holds rotational values no joint reaches (degrees mislabelled as radians).
#include <string>
#include <vector>

#include "io/storage.hpp"
#include "model/model.hpp"

namespace weaklink {

// Throws InputError naming `file` and the row unless there are at least `min_rows` rows with
// strictly increasing times; `kind` names the file in the message ("coordinates file").
void check_motion_times(const io::Table& t, const std::string& file, int min_rows, const char* kind = "coordinates file");

// Appends the table reader's warnings (a dropped duplicate row) and, for a table that says
// inDegrees=yes, a warning when its rotational columns look like radians: every value of every
// rotational coordinate column within ±π while one of them moves by at least 0.5. Joint angles in
// degrees that never leave ±3.14° while one moves by half a degree are a still standing trial at
// most; in radians the same numbers are ordinary motion (0.5 rad is 29°).
void check_coordinate_units(const io::Table& t, const Model& model, const std::string& file,
                            std::vector<std::string>& warnings);

// Writes coordinate `co`'s column into out[0..rows) (stride `stride`, for a row-major matrix) and
// returns true; returns false when the table has no such column. Throws InputError naming the
// file, row and column for a non-finite value; appends to `warnings` for absurd radians.
bool read_coordinate_column(const io::Table& t, const Coordinate& co, const std::string& file, double* out,
                            std::ptrdiff_t stride, std::vector<std::string>& warnings);

}  // namespace weaklink
