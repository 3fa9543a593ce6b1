#include "tools/setup_paths.hpp"

#include "io/external_loads.hpp"

namespace weaklink {

ExternalForces setup_external_loads(const io::XmlDocument& doc, const pugi::xml_node& tool, const std::filesystem::path& setup_dir,
                                    const Model& model) {
  const std::string loads_name = doc.text(tool, "external_loads_file");
  if (loads_name.empty()) return ExternalForces();
  const std::filesystem::path loads_path = resolve_setup_path(setup_dir, loads_name);
  return read_named_by_setup(doc, tool.child("external_loads_file"),
                             [&] { return io::bind_external_loads(model, io::read_external_loads(loads_path), loads_path.string()); });
}

}  // namespace weaklink
