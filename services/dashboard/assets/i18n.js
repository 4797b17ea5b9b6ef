// Words of the dashboard in Indonesian and English, and numbers, money and
// dates as an Indonesian reader writes them in both languages (50.421,
// Rp 250.000.000, 31 Des 2026 / 31 Dec 2026). Hand-written rather than Intl,
// so every browser shows the same thing (src/format.rs mirrors these).

const WORDS = {
  id: {
    "app.title": "Jemput Bola IKD",
    "nav.gaps": "Kesenjangan",
    "nav.plan": "Rencana",
    "nav.scenarios": "Skenario anggaran",
    "nav.plans": "Rencana tersimpan",
    "nav.audit": "Jejak audit",
    "nav.field": "Lapangan",
    "nav.short.scenarios": "Skenario",
    "nav.short.plans": "Tersimpan",
    "nav.short.audit": "Audit",
    "field.title": "Tim {team} hari ini",
    "field.titleOn": "Tim {team}, {date}",
    "field.lead": "Isi jumlah warga yang mengaktifkan IKD di tiap desa, lalu simpan. Tanpa sinyal pun tersimpan di ponsel dan dikirim saat tersambung.",
    "field.team": "Tim",
    "field.plan": "Rencana",
    "field.date": "Tanggal",
    "field.noPlan": "Belum ada rencana tersimpan; tambahkan desa yang dikunjungi di bawah.",
    "field.noStops": "Tim ini tidak punya kunjungan pada tanggal ini menurut rencana.",
    "field.expected": "target {n}",
    "field.recorded": "sudah tercatat {n}",
    "field.count": "Jumlah aktivasi di {village}",
    "field.added": "tambahan",
    "field.remove": "Hapus",
    "field.add": "Tambah desa/kelurahan di luar rencana",
    "field.search": "Cari nama desa/kelurahan…",
    "field.noMatch": "Tidak ada desa/kelurahan dengan nama itu.",
    "field.save": "Simpan hari ini",
    "field.nothing": "Isi jumlah aktivasi minimal satu desa dulu.",
    "field.badCount": "Tulis angka bulat, mis. 25 atau 1.234.",
    "field.future": "Tanggal ini belum tiba; aktivasi dicatat pada hari dilakukan.",
    "field.saved": "{n} catatan disimpan di ponsel.",
    "field.online": "Tersambung",
    "field.offline": "Tanpa sinyal",
    "field.ready": "Siap dipakai tanpa sinyal",
    "field.notReady": "Belum tersimpan untuk dipakai tanpa sinyal",
    "field.dataFrom": "Data {t}",
    "field.noData": "Data hari ini belum pernah dimuat di ponsel ini; sambungkan sekali untuk memuatnya.",
    "field.waiting": "Menunggu dikirim",
    "field.waitingCount": "{n} menunggu dikirim",
    "field.allSent": "Semua catatan sudah terkirim.",
    "field.sendNow": "Kirim sekarang",
    "field.sending": "Mengirim…",
    "field.sent": "{n} catatan terkirim.",
    "field.notSent": "Belum terkirim: dasbor tidak dapat dihubungi. Dicoba lagi otomatis.",
    "field.refused": "Ditolak: {reason}",
    "field.otherUser": "Dicatat oleh pengguna lain; dikirim saat ia masuk.",
    "field.entry": "{village}: {n} ({team}, {date})",
    "logout": "Keluar",
    "login.title": "Masuk ke dasbor",
    "login.lead": "Tempel token akses Anda. Saat dijalankan, jemput up mencetak tautan yang langsung memasukkan Anda.",
    "login.token": "Token akses",
    "login.submit": "Masuk",
    "login.help": "Token dibuat oleh admin dengan perintah jemput token create.",
    "login.error.invalid": "Token tidak dikenal, kedaluwarsa, atau sudah dicabut.",
    "login.error.used": "Tautan masuk ini sudah dipakai. Masuk dengan token.",
    "login.error.unavailable": "Registri tidak dapat dihubungi. Coba lagi sebentar lagi.",
    "audit.title": "Jejak audit",
    "audit.lead": "Setiap perubahan: siapa (token dan peran), kapan, dari mana. Hanya bisa ditambah, tidak bisa diubah.",
    "audit.empty": "Belum ada perubahan.",
    "audit.time": "Waktu",
    "audit.action": "Perubahan",
    "audit.resource": "Objek",
    "audit.who": "Oleh",
    "audit.from": "Dari",
    "audit.detail": "Rincian",
    "audit.action.record_activations": "Catat aktivasi",
    "audit.action.import_regions": "Impor data Dukcapil",
    "audit.action.set_target": "Ubah target",
    "audit.action.create_token": "Buat token",
    "audit.action.revoke_token": "Cabut token",
    "audit.action.create_plan": "Buat rencana",
    "audit.action.replan_plan": "Susun ulang rencana",
    "audit.action.find_minimum_budget": "Anggaran minimum",
    "audit.key.reports": "laporan",
    "audit.key.activations": "aktivasi",
    "audit.key.villages": "desa/kelurahan",
    "audit.key.target_fraction": "target",
    "audit.key.role": "peran",
    "audit.key.team": "tim",
    "audit.key.region": "wilayah",
    "audit.key.budget_rupiah": "anggaran",
    "audit.key.working_days": "hari kerja",
    "role.admin": "admin",
    "role.planner": "perencana",
    "role.budget": "anggaran",
    "role.field": "lapangan",
    "role.viewer": "pembaca",
    "role.service": "layanan",
    "footer": "Aktivasi Identitas Kependudukan Digital (IKD) — perencanaan tim jemput bola.",
    "loading": "Memuat…",
    "retry": "Coba lagi",
    "cancel": "Batalkan",
    "cancelled": "Dibatalkan.",
    "elapsed": "berjalan {s} detik",
    "error.UNAVAILABLE": "Layanan tidak dapat dihubungi. Pastikan `jemput up` berjalan.",
    "error.network": "Dasbor tidak dapat dihubungi.",
    "error.title": "Terjadi kesalahan",
    "kecamatan": "Kecamatan",
    "village": "Desa/Kelurahan",
    "villages": "desa/kelurahan",
    "recorded": "Rekam KTP-el",
    "activated": "Aktivasi IKD",
    "coverage": "Cakupan",
    "target": "Target",
    "gap": "Kekurangan",
    "kind.kabupaten": "Kabupaten",
    "kind.kota": "Kota",
    "picker.province": "Provinsi",
    "picker.district": "Kabupaten/kota",
    "picker.choose": "Pilih kabupaten/kota…",
    "picker.noCounts": "belum ada data",
    "picker.noCountsNote": "Belum ada data Dukcapil untuk desa-desanya: peta dan daftar desa bisa dilihat, rencana belum bisa dibuat.",
    "district.noCounts": "{name} belum punya data jumlah KTP-el dan IKD per desa ({n} desa/kelurahan tanpa data). Impor data Dukcapil dulu; sampai itu rencana dan skenario belum bisa dihitung.",
    "map.points": "Batas desa belum tersedia: tiap desa/kelurahan ditandai titik.",
    "kind.desa": "desa",
    "kind.kelurahan": "kelurahan",
    "gaps.title": "Kesenjangan aktivasi IKD",
    "gaps.lead": "Cakupan IKD per desa/kelurahan. Klik kecamatan pada peta atau tabel untuk melihat desanya.",
    "gaps.live": "Langsung",
    "gaps.offline": "Tidak tersambung",
    "gaps.updated": "Diperbarui {t}",
    "gaps.all": "Seluruh kabupaten",
    "gaps.villagesOf": "Desa/kelurahan di Kecamatan {name}",
    "gaps.back": "← Seluruh kabupaten",
    "gaps.ofTarget": "target {pct}",
    "gaps.gapShare": "{pct} dari rekam KTP-el",
    "gaps.province": "Kabupaten/kota di Provinsi {p}",
    "gaps.provinceTotal": "Provinsi {p}",
    "gaps.provinceNote": "Target dan kesenjangan provinsi adalah jumlah milik tiap kabupaten/kota: yang sudah melampaui targetnya tidak menutup kekurangan yang lain. Klik baris untuk membuka kabupaten/kota itu.",
    "legend.coverage": "Cakupan IKD",
    "legend.target": "≥ target",
    "map.attribution": "Batas wilayah",
    "map.base": "Kantor Dukcapil",
    "plan.title": "Rencana tim jemput bola",
    "plan.lead": "Cari rute tim yang mencapai target paling cepat dengan anggaran yang ada.",
    "plan.budget": "Anggaran (Rp)",
    "plan.teams": "Jumlah tim",
    "plan.start": "Tanggal mulai",
    "plan.targetPct": "Target (% rekam KTP-el)",
    "plan.deadline": "Tenggat (opsional)",
    "plan.advanced": "Parameter model (lanjutan)",
    "plan.default": "bawaan: {v}",
    "plan.submit": "Buat rencana",
    "plan.solving": "Menyusun rencana…",
    "plan.targetDate": "Target tercapai",
    "plan.alreadyReached": "Target sudah tercapai",
    "plan.alreadyDetail": "{a} sudah punya IKD sebelum {d} (target {t}): tidak perlu kerja lapangan.",
    "plan.notReached": "Target tidak tercapai",
    "plan.workingDays": "{d} hari kerja",
    "plan.lowerBound": "batas bawah terbukti: {d} hari",
    "plan.gapWords": "Paling lambat {n} hari kerja ({p}) dari rencana terbaik yang mungkin.",
    "plan.gapNone": "Secepat rencana terbaik yang mungkin: sama dengan batas bawah terbukti.",
    "plan.leastCost": "Tidak ada rencana yang mencapai target dalam {d} hari kerja dengan biaya di bawah {b} (batas bawah terbukti); rencana ini {c}, {p} di atasnya.",
    "plan.mostActivations": "Dengan anggaran ini, tim keliling mencapai {p} dari aktivasi terbanyak yang mungkin dalam {d} hari kerja (batas atas terbukti: {n}).",
    "plan.method.allocation": "Disusun oleh model alokasi (program linear atas kunjungan, perjalanan dan anggaran), lalu dibagi per hari.",
    "plan.method.route_builder": "Disusun oleh penyusun rute dengan salah satu kebijakan tetapnya.",
    "plan.officeOnly": "hanya kantor: {d} hari kerja",
    "plan.cost": "Biaya",
    "plan.ofBudget": "dari anggaran {b}",
    "plan.activations": "Aktivasi",
    "plan.mobile": "tim keliling",
    "plan.office": "kantor",
    "plan.coverageEnd": "cakupan di akhir {pct}",
    "plan.binding": "Pembatas",
    "binding.budget": "anggaran",
    "binding.teams": "jumlah tim",
    "binding.villages": "desa (warga terjangkau habis)",
    "binding.none": "tidak ada",
    "plan.minimumBudget": "Anggaran minimum untuk target: {b}",
    "plan.solver": "Pemecah {s}, {t} detik",
    "cost.per_diem_rupiah": "Uang harian",
    "cost.lodging_rupiah": "Penginapan",
    "cost.vehicle_rupiah": "Kendaraan + sopir",
    "cost.fuel_rupiah": "BBM",
    "cost.outreach_rupiah": "Sosialisasi",
    "plan.routes": "Rute tim",
    "plan.allTeams": "Semua tim",
    "plan.projection": "Proyeksi cakupan",
    "plan.calendar": "Kalender tim",
    "plan.date": "Tanggal",
    "plan.overnight": "menginap",
    "plan.unvisited": "Desa yang tidak dikunjungi",
    "plan.reason": "Alasan",
    "plan.noneUnvisited": "Semua desa dikunjungi.",
    "why.no_pool": "Tidak ada lagi warga yang terjangkau: aktivasi sudah mencapai porsi yang terjangkau.",
    "why.not_needed": "Tidak diperlukan: target tercapai pada {date} dengan desa yang memberi lebih banyak per hari dan per rupiah.",
    "why.already": "Tidak diperlukan: target sudah tercapai.",
    "why.budget": "Anggaran habis sebelum desa ini.",
    "why.teams": "Tim sudah penuh dengan desa yang memberi lebih banyak.",
    "why.offer": "Kunjungan pertama ≈ {n} aktivasi dengan biaya ≈ {cost} ({each} per aktivasi, pulang-pergi {min} menit).",
    "plan.exports": "Unduhan",
    "plan.itinerary": "Jadwal",
    "plan.print": "cetak (HTML)",
    "plan.allCsv": "Jadwal semua tim (CSV)",
    "plan.geojson": "Rute (GeoJSON)",
    "plan.saved": "Tersimpan sebagai {name}",
    "plan.replannedFrom": "Lanjutan dari {name}, per {d}",
    "chart.activated": "IKD teraktivasi",
    "chart.officeOnly": "hanya kantor",
    "chart.targetLine": "target {n}",
    "chart.planned": "rencana",
    "chart.actual": "realisasi",
    "scen.title": "Skenario anggaran",
    "scen.lead": "Berapa hari kerja sampai target untuk setiap anggaran, dan berapa hari yang dihemat tiap tambahan Rp 10 juta.",
    "scen.budgets": "Anggaran (juta Rp, pisahkan dengan koma)",
    "scen.teams": "Jumlah tim (pisahkan dengan koma)",
    "scen.submit": "Hitung skenario",
    "scen.solving": "Menghitung skenario…",
    "scen.chart": "Hari kerja sampai target menurut anggaran",
    "scen.marginal": "Hari dihemat per tambahan Rp 10 juta",
    "scen.table": "Tabel skenario",
    "scen.daysAxis": "hari kerja",
    "scen.budgetAxis": "anggaran",
    "scen.teamsN": "{n} tim",
    "scen.boundN": "{n} tim, batas bawah terbukti (tidak ada rencana yang lebih cepat)",
    "scen.days": "Hari kerja",
    "scen.lowerBound": "Batas bawah (hari)",
    "scen.leastCost": "Biaya terendah",
    "scen.leastCostNote": "Biaya terendah: bila anggaran yang membatasi, tidak ada rencana yang mencapai target dalam hari kerja yang sama dengan biaya lebih rendah (batas bawah terbukti); di sampingnya, berapa persen biaya rencana di atasnya.",
    "scen.ofMost": "Dari aktivasi terbanyak",
    "scen.ofMostNote": "Dari aktivasi terbanyak: bila anggaran yang membatasi, aktivasi tim keliling rencana dibanding yang paling banyak mungkin dicapai rencana apa pun dengan hari kerja dan anggaran yang sama (batas atas terbukti).",
    "scen.reaches": "Capai target",
    "scen.yes": "ya",
    "scen.no": "tidak",
    "scen.minTitle": "Anggaran minimum untuk tenggat",
    "scen.deadline": "Tenggat",
    "scen.minSubmit": "Cari anggaran minimum",
    "scen.minSolving": "Mencari anggaran minimum…",
    "scen.minResult": "Anggaran minimum untuk mencapai target pada {d}: {b}",
    "scen.minAlready": "Target sudah tercapai sebelum {d}: {a} sudah punya IKD (target {t}), tanpa anggaran.",
    "scen.minInterval": "Terbukti: tidak ada rencana yang mencapainya dengan kurang dari {lo}. Anggaran terkecil yang mungkin ada di antara {lo} dan {hi}.",
    "scen.minNone": "Tidak ada anggaran yang mencapai target pada {d} dengan tim ini.",
    "scen.minProvenNone": "Terbukti: berapa pun anggarannya, tim ini tidak dapat mencapainya pada tanggal itu.",
    "scen.minNotFound": "Tidak ditemukan rencana yang mencapainya pada tanggal itu (terbukti: tidak ada yang bisa dengan kurang dari {lo}).",
    "scen.minSoonest": "Paling cepat dengan tim ini, berapa pun anggarannya: {d} ({n} hari kerja; tidak ada rencana yang butuh kurang dari {lb}), dengan biaya {c}. Tenggat mulai tanggal itu dapat dicapai; tim yang lebih banyak mungkin mencapai tenggat yang lebih awal.",
    "scen.minNever": "Berapa pun anggarannya, tim ini tidak mencapai target dalam cakrawala rencana.",
    "scen.openPlan": "Buka rencananya",
    "scen.openSoonest": "Buka rencana tercepat",
    "scen.minForSoonest": "Cari anggaran minimum untuk {d}",
    "scen.notReached": "tidak tercapai",
    "scen.badBudgets": "Tulis anggaran dalam juta rupiah, mis. 100, 200, 300.",
    "scen.badTeams": "Tulis jumlah tim, mis. 4 atau 3, 4, 5.",
    "plans.title": "Rencana tersimpan",
    "plans.name": "Nama",
    "plans.state": "Status",
    "plans.state.draft": "Draf",
    "plans.state.approved": "Disetujui",
    "plans.state.archived": "Diarsipkan",
    "plans.unnamed": "{b} · {n} tim",
    "plans.rename": "Ganti nama",
    "plans.namePlaceholder": "mis. Anggaran perubahan 2027",
    "plans.save": "Simpan",
    "plans.cancel": "Batal",
    "plans.approve": "Setujui",
    "plans.archive": "Arsipkan",
    "plans.toDraft": "Jadikan draf",
    "plans.showArchived": "Tampilkan yang diarsipkan",
    "plans.actions": "Tindakan",
    "audit.key.display_name": "nama",
    "audit.key.state": "status",
    "audit.action.update_plan": "Ubah rencana",
    "audit.action.add_regions": "Tambah wilayah",
    "audit.action.update_district_settings": "Ubah kantor/target kabupaten",
    "plans.empty": "Belum ada rencana tersimpan.",
    "plans.created": "Dibuat",
    "plans.open": "Buka",
    "plans.progress": "Realisasi",
    "plans.replan": "Rencanakan ulang",
    "plans.replanning": "Merencanakan ulang…",
    "plans.asOf": "Per tanggal",
    "plans.compare": "Rencana dibanding realisasi",
    "plans.plannedByNow": "Menurut rencana sampai {d}",
    "plans.actualByNow": "Realisasi sampai {d}",
    "plans.difference": "Selisih",
    "plans.sinceStart": "dicatat sejak {d}",
    "plans.byVillage": "Per desa sampai hari ini",
    "plans.plannedMobile": "Rencana (tim)",
    "plans.actualMobile": "Realisasi (tim)",
    "plans.actualTotal": "Realisasi (semua)",
    "plans.notStarted": "Rencana ini belum dimulai.",
    "plans.projectedTarget": "Target tercapai, menurut realisasi",
    "plan.learned": "Hasil belajar dari lapangan",
    "plan.learnedLead": "Rencana ulang per {d} memakai hasil kunjungan yang tercatat: aktivasi tercatat dibanding yang diharapkan, per kecamatan, ditarik ke nilai awal bila kunjungannya masih sedikit.",
    "plan.learnedVisits": "Kunjungan",
    "plan.learnedRecorded": "Tercatat",
    "plan.learnedExpected": "Diharapkan",
    "plan.learnedFactor": "Faktor hasil",
    "plans.plannedTarget": "rencana: {d}",
    "plans.notWithinPlan": "tidak dalam rencana ini",
    "plans.byTeam": "Per tim sampai hari ini",
    "plans.byDay": "Per hari",
    "plans.team": "Tim",
    "plans.day": "Hari",
    "plans.daysRecorded": "Hari tercatat / direncanakan",
    "chart.projected": "proyeksi dari realisasi",
    "audit.action.correct_activation": "Koreksi aktivasi",
    "field.required": "Wajib diisi.",
    "field.number": "Harus berupa angka.",
    "prov.title": "Anggaran untuk seluruh provinsi {p}",
    "prov.lead": "Satu anggaran dibagi di antara kabupaten/kota provinsi ini yang sudah punya data jumlah, agar sebanyak mungkin mencapai target pada tenggat. Jumlah tim (yang pertama), tanggal mulai dan target dari formulir di atas berlaku untuk tiap kabupaten/kota.",
    "prov.notHeld": "Registri memuat kabupaten ini tetapi belum provinsinya. Untuk membagi satu anggaran di antara kabupaten/kotanya, admin menambahkan provinsi dari daftar nasional:",
    "prov.total": "Anggaran provinsi (Rp)",
    "prov.submit": "Bagi anggaran",
    "prov.solving": "Membagi anggaran (anggaran minimum tiap kabupaten/kota, lalu pilihan terbaik)…",
    "prov.badTotal": "Tulis jumlah rupiah, mis. 2 miliar atau 2.000.000.000.",
    "prov.resultTitle": "Pembagian anggaran untuk tenggat {d}",
    "prov.reaching": "{n} dari {of} kabupaten/kota mencapai target pada {d}.",
    "prov.ceiling": "Terbukti: tidak ada pembagian anggaran ini yang membawa lebih dari {n} kabupaten/kota ke target.",
    "prov.allocated": "Dibagikan {a} dari {b}.",
    "prov.district": "Kabupaten/Kota",
    "prov.share": "Bagian anggaran",
    "prov.least": "Anggaran minimum",
    "prov.leastBound": "Batas bawah terbukti",
    "prov.already": "sudah tercapai",
    "prov.leastNote": "Anggaran minimum: anggaran terkecil (per Rp 100.000) yang rencananya mencapai target pada tenggat. Batas bawah terbukti: tidak ada rencana yang mencapainya dengan kurang.",
    "prov.withoutCounts": "Belum punya data jumlah ({n}), tidak ikut dibagi:",
    "prov.notPlanned": "Tidak sempat direncanakan dalam batas waktu dan tidak ikut dibagi (minta lagi untuk kabupaten/kota ini saja):",
    "date.placeholder": "hh/bb/tttt",
    "date.pick": "Pilih tanggal dari kalender",
    "date.invalid": "Bukan tanggal: tulis hari/bulan/tahun, mis. 31/12/2027.",
    "date.latest": "Paling lambat {d}.",
    "date.earliest": "Paling awal {d}.",
  },
  en: {
    "app.title": "IKD Outreach",
    "nav.gaps": "Gaps",
    "nav.plan": "Plan",
    "nav.scenarios": "Budget scenarios",
    "nav.plans": "Saved plans",
    "nav.audit": "Audit trail",
    "nav.field": "Field",
    "nav.short.scenarios": "Scenarios",
    "nav.short.plans": "Saved",
    "nav.short.audit": "Audit",
    "field.title": "Team {team} today",
    "field.titleOn": "Team {team}, {date}",
    "field.lead": "Enter how many residents activated IKD in each village, then save. Without a signal it is kept on the phone and sent once connected.",
    "field.team": "Team",
    "field.plan": "Plan",
    "field.date": "Date",
    "field.noPlan": "No saved plan yet; add the villages visited below.",
    "field.noStops": "The plan has no visits for this team on this date.",
    "field.expected": "target {n}",
    "field.recorded": "already recorded {n}",
    "field.count": "Activations in {village}",
    "field.added": "added",
    "field.remove": "Remove",
    "field.add": "Add a village not in the plan",
    "field.search": "Search a village by name…",
    "field.noMatch": "No village by that name.",
    "field.save": "Save today",
    "field.nothing": "Enter the activations of at least one village first.",
    "field.badCount": "Write a whole number, e.g. 25 or 1.234.",
    "field.future": "This date has not come yet; record activations on the day they happen.",
    "field.saved": "{n} entries saved on the phone.",
    "field.online": "Online",
    "field.offline": "No signal",
    "field.ready": "Ready to use without a signal",
    "field.notReady": "Not yet stored for use without a signal",
    "field.dataFrom": "Data of {t}",
    "field.noData": "This day's data has never been loaded on this phone; connect once to load it.",
    "field.waiting": "Waiting to be sent",
    "field.waitingCount": "{n} waiting to be sent",
    "field.allSent": "Every entry has been sent.",
    "field.sendNow": "Send now",
    "field.sending": "Sending…",
    "field.sent": "{n} entries sent.",
    "field.notSent": "Not sent: the dashboard cannot be reached. It tries again by itself.",
    "field.refused": "Refused: {reason}",
    "field.otherUser": "Recorded by another user; sent when they sign in.",
    "field.entry": "{village}: {n} ({team}, {date})",
    "logout": "Sign out",
    "login.title": "Sign in to the dashboard",
    "login.lead": "Paste your access token. When it starts, jemput up prints a link that signs you in directly.",
    "login.token": "Access token",
    "login.submit": "Sign in",
    "login.help": "An admin makes tokens with the command jemput token create.",
    "login.error.invalid": "Unknown, expired or revoked token.",
    "login.error.used": "This sign-in link was already used. Sign in with a token.",
    "login.error.unavailable": "The registry cannot be reached. Try again shortly.",
    "audit.title": "Audit trail",
    "audit.lead": "Every change: who (token and role), when, from where. Entries are only ever added, never changed.",
    "audit.empty": "No changes yet.",
    "audit.time": "Time",
    "audit.action": "Change",
    "audit.resource": "Object",
    "audit.who": "By",
    "audit.from": "From",
    "audit.detail": "Detail",
    "audit.action.record_activations": "Record activations",
    "audit.action.import_regions": "Import Dukcapil counts",
    "audit.action.set_target": "Set target",
    "audit.action.create_token": "Create token",
    "audit.action.revoke_token": "Revoke token",
    "audit.action.create_plan": "Create plan",
    "audit.action.replan_plan": "Replan",
    "audit.action.find_minimum_budget": "Minimum budget",
    "audit.key.reports": "reports",
    "audit.key.activations": "activations",
    "audit.key.villages": "villages",
    "audit.key.target_fraction": "target",
    "audit.key.role": "role",
    "audit.key.team": "team",
    "audit.key.region": "region",
    "audit.key.budget_rupiah": "budget",
    "audit.key.working_days": "working days",
    "role.admin": "admin",
    "role.planner": "planner",
    "role.budget": "budget",
    "role.field": "field",
    "role.viewer": "viewer",
    "role.service": "service",
    "footer": "Digital ID (IKD) activation — planning mobile ('jemput bola') teams.",
    "loading": "Loading…",
    "retry": "Retry",
    "cancel": "Cancel",
    "cancelled": "Cancelled.",
    "elapsed": "running {s} s",
    "error.UNAVAILABLE": "The service cannot be reached. Make sure `jemput up` is running.",
    "error.network": "The dashboard cannot be reached.",
    "error.title": "Something went wrong",
    "kecamatan": "Kecamatan",
    "village": "Village",
    "villages": "villages",
    "recorded": "KTP-el recorded",
    "activated": "IKD activated",
    "coverage": "Coverage",
    "target": "Target",
    "gap": "Gap",
    "kind.kabupaten": "Kabupaten",
    "kind.kota": "Kota",
    "picker.province": "Province",
    "picker.district": "District",
    "picker.choose": "Choose a district…",
    "picker.noCounts": "no counts yet",
    "picker.noCountsNote": "No Dukcapil counts for its villages yet: the map and village list can be seen, but it cannot be planned yet.",
    "district.noCounts": "{name} has no KTP-el and IKD counts per village yet ({n} villages without counts). Import the Dukcapil data first; until then plans and scenarios cannot be computed.",
    "map.points": "No village boundaries yet: each village is marked by a point.",
    "kind.desa": "desa",
    "kind.kelurahan": "kelurahan",
    "gaps.title": "IKD activation gaps",
    "gaps.lead": "IKD coverage by village. Click a kecamatan on the map or in the table to see its villages.",
    "gaps.live": "Live",
    "gaps.offline": "Not connected",
    "gaps.updated": "Updated {t}",
    "gaps.all": "Whole district",
    "gaps.villagesOf": "Villages of Kecamatan {name}",
    "gaps.back": "← Whole district",
    "gaps.ofTarget": "target {pct}",
    "gaps.gapShare": "{pct} of KTP-el recorded",
    "gaps.province": "Districts of {p} province",
    "gaps.provinceTotal": "{p} province",
    "gaps.provinceNote": "The province's target and gap are its districts' summed: one above its target does not make up for another below it. Click a row to open that district.",
    "legend.coverage": "IKD coverage",
    "legend.target": "≥ target",
    "map.attribution": "Boundaries",
    "map.base": "Dukcapil office",
    "plan.title": "Mobile team plan",
    "plan.lead": "Find the team routes that reach the target fastest within the budget.",
    "plan.budget": "Budget (Rp)",
    "plan.teams": "Teams",
    "plan.start": "Start date",
    "plan.targetPct": "Target (% of KTP-el recorded)",
    "plan.deadline": "Deadline (optional)",
    "plan.advanced": "Model parameters (advanced)",
    "plan.default": "default: {v}",
    "plan.submit": "Make plan",
    "plan.solving": "Planning…",
    "plan.targetDate": "Target reached",
    "plan.alreadyReached": "Target already reached",
    "plan.alreadyDetail": "{a} had IKD before {d} (target {t}): no field work is needed.",
    "plan.notReached": "Target not reached",
    "plan.workingDays": "{d} working days",
    "plan.lowerBound": "proven lower bound: {d} days",
    "plan.gapWords": "At most {n} working days ({p}) slower than the best possible plan.",
    "plan.gapNone": "As fast as the best possible plan: equal to the proven lower bound.",
    "plan.leastCost": "No plan reaches the target in {d} working days for less than {b} (proven lower bound); this plan costs {c}, {p} above it.",
    "plan.mostActivations": "With this budget the mobile teams get {p} of the most activations any plan could do in {d} working days (proven upper bound: {n}).",
    "plan.method.allocation": "Made by the allocation model (a linear programme over visits, trips and money), then laid into days.",
    "plan.method.route_builder": "Made by the route builder under one of its fixed policies.",
    "plan.officeOnly": "office only: {d} working days",
    "plan.cost": "Cost",
    "plan.ofBudget": "of a {b} budget",
    "plan.activations": "Activations",
    "plan.mobile": "mobile teams",
    "plan.office": "office",
    "plan.coverageEnd": "coverage at the end {pct}",
    "plan.binding": "Limited by",
    "binding.budget": "budget",
    "binding.teams": "number of teams",
    "binding.villages": "villages (reachable residents run out)",
    "binding.none": "nothing",
    "plan.minimumBudget": "Least budget for the target: {b}",
    "plan.solver": "Solver {s}, {t} s",
    "cost.per_diem_rupiah": "Per diem",
    "cost.lodging_rupiah": "Lodging",
    "cost.vehicle_rupiah": "Vehicle + driver",
    "cost.fuel_rupiah": "Fuel",
    "cost.outreach_rupiah": "Outreach",
    "plan.routes": "Team routes",
    "plan.allTeams": "All teams",
    "plan.projection": "Coverage projection",
    "plan.calendar": "Team calendar",
    "plan.date": "Date",
    "plan.overnight": "overnight",
    "plan.unvisited": "Villages not visited",
    "plan.reason": "Reason",
    "plan.noneUnvisited": "Every village is visited.",
    "why.no_pool": "No reachable residents left: activations already reach the reachable share.",
    "why.not_needed": "Not needed: the target is reached on {date} with villages that give more per day and per rupiah.",
    "why.already": "Not needed: the target is already reached.",
    "why.budget": "The budget runs out before this village.",
    "why.teams": "The teams are fully booked with villages that give more.",
    "why.offer": "A first visit ≈ {n} activations for ≈ {cost} ({each} each, {min} minutes' round trip).",
    "plan.exports": "Downloads",
    "plan.itinerary": "Itinerary",
    "plan.print": "print (HTML)",
    "plan.allCsv": "All teams' itinerary (CSV)",
    "plan.geojson": "Routes (GeoJSON)",
    "plan.saved": "Saved as {name}",
    "plan.replannedFrom": "Continues {name}, as of {d}",
    "chart.activated": "IKD activated",
    "chart.officeOnly": "office only",
    "chart.targetLine": "target {n}",
    "chart.planned": "planned",
    "chart.actual": "actual",
    "scen.title": "Budget scenarios",
    "scen.lead": "Working days to the target for each budget, and the days saved by each extra Rp 10 juta.",
    "scen.budgets": "Budgets (Rp juta = million, comma-separated)",
    "scen.teams": "Teams (comma-separated)",
    "scen.submit": "Evaluate",
    "scen.solving": "Evaluating scenarios…",
    "scen.chart": "Working days to target by budget",
    "scen.marginal": "Days saved per extra Rp 10 juta",
    "scen.table": "Scenario table",
    "scen.daysAxis": "working days",
    "scen.budgetAxis": "budget",
    "scen.teamsN": "{n} teams",
    "scen.boundN": "{n} teams, proven lower bound (no plan is faster)",
    "scen.days": "Working days",
    "scen.lowerBound": "Lower bound (days)",
    "scen.leastCost": "Least cost",
    "scen.leastCostNote": "Least cost: where the budget limits, no plan reaching the target in the same working days costs less (a proven lower bound); beside it, how much more this plan costs.",
    "scen.ofMost": "Of the most possible",
    "scen.ofMostNote": "Of the most possible: where the budget limits, the plan's mobile activations as a share of the most any plan of the same working days could do with that budget (a proven upper bound).",
    "scen.reaches": "Reaches target",
    "scen.yes": "yes",
    "scen.no": "no",
    "scen.minTitle": "Least budget for a deadline",
    "scen.deadline": "Deadline",
    "scen.minSubmit": "Find least budget",
    "scen.minSolving": "Searching for the least budget…",
    "scen.minResult": "Least budget to reach the target by {d}: {b}",
    "scen.minAlready": "The target was reached before {d}: {a} have IKD (target {t}), with no budget.",
    "scen.minInterval": "Proven: no plan reaches it for less than {lo}. The least possible budget lies between {lo} and {hi}.",
    "scen.minNone": "No budget reaches the target by {d} with these teams.",
    "scen.minProvenNone": "Proven: whatever the money, these teams cannot reach it by then.",
    "scen.minNotFound": "No plan found reaches it by then (proven: none could for less than {lo}).",
    "scen.minSoonest": "The soonest these teams can, money no limit: {d} ({n} working days; no plan needs fewer than {lb}), spending {c}. A deadline from that day on can be met; more teams might meet an earlier one.",
    "scen.minNever": "Whatever the money, these teams do not reach the target within the plan's horizon.",
    "scen.openPlan": "Open its plan",
    "scen.openSoonest": "Open the soonest plan",
    "scen.minForSoonest": "Find the least budget for {d}",
    "scen.notReached": "not reached",
    "scen.badBudgets": "Write budgets in juta (millions) of rupiah, e.g. 100, 200, 300.",
    "scen.badTeams": "Write team counts, e.g. 4 or 3, 4, 5.",
    "plans.title": "Saved plans",
    "plans.name": "Name",
    "plans.state": "Status",
    "plans.state.draft": "Draft",
    "plans.state.approved": "Approved",
    "plans.state.archived": "Archived",
    "plans.unnamed": "{b} · {n} teams",
    "plans.rename": "Rename",
    "plans.namePlaceholder": "e.g. Revised budget 2027",
    "plans.save": "Save",
    "plans.cancel": "Cancel",
    "plans.approve": "Approve",
    "plans.archive": "Archive",
    "plans.toDraft": "Make draft",
    "plans.showArchived": "Show archived",
    "plans.actions": "Actions",
    "audit.key.display_name": "name",
    "audit.key.state": "status",
    "audit.action.update_plan": "Change plan",
    "audit.action.add_regions": "Add regions",
    "audit.action.update_district_settings": "Change district office/target",
    "plans.empty": "No saved plans yet.",
    "plans.created": "Created",
    "plans.open": "Open",
    "plans.progress": "Progress",
    "plans.replan": "Replan",
    "plans.replanning": "Replanning…",
    "plans.asOf": "As of",
    "plans.compare": "Plan against actual progress",
    "plans.plannedByNow": "Planned by {d}",
    "plans.actualByNow": "Actual by {d}",
    "plans.difference": "Difference",
    "plans.sinceStart": "recorded since {d}",
    "plans.byVillage": "By village, to date",
    "plans.plannedMobile": "Planned (teams)",
    "plans.actualMobile": "Actual (teams)",
    "plans.actualTotal": "Actual (all)",
    "plans.notStarted": "This plan has not started yet.",
    "plans.projectedTarget": "Target reached, at the recorded pace",
    "plan.learned": "Learned from the field",
    "plan.learnedLead": "The replan as of {d} uses the recorded visits: activations recorded against expected, per kecamatan, drawn toward the defaults while visits are few.",
    "plan.learnedVisits": "Visits",
    "plan.learnedRecorded": "Recorded",
    "plan.learnedExpected": "Expected",
    "plan.learnedFactor": "Yield factor",
    "plans.plannedTarget": "planned: {d}",
    "plans.notWithinPlan": "not within this plan",
    "plans.byTeam": "By team, to date",
    "plans.byDay": "By day",
    "plans.team": "Team",
    "plans.day": "Day",
    "plans.daysRecorded": "Days recorded / planned",
    "chart.projected": "projected from actuals",
    "audit.action.correct_activation": "Correct activations",
    "field.required": "Required.",
    "field.number": "Must be a number.",
    "prov.title": "Budget for the whole province of {p}",
    "prov.lead": "One budget split among this province's districts that have counts, so that the most reach their targets by the deadline. The teams (the first count), start date and target of the form above apply to every district.",
    "prov.notHeld": "The registry holds this district but not its province. To split one budget among its districts, an admin adds the province from the national list:",
    "prov.total": "Province budget (Rp)",
    "prov.submit": "Split the budget",
    "prov.solving": "Splitting the budget (each district's least budget, then the best choice)…",
    "prov.badTotal": "Write an amount of rupiah, e.g. 2 miliar or 2.000.000.000.",
    "prov.resultTitle": "Budget split for the deadline {d}",
    "prov.reaching": "Districts reaching their target by {d}: {n} of {of}.",
    "prov.ceiling": "Proven: no split of this budget brings more than {n} of them there.",
    "prov.allocated": "{a} of {b} allocated.",
    "prov.district": "District",
    "prov.share": "Share",
    "prov.least": "Least budget",
    "prov.leastBound": "Proven lower bound",
    "prov.already": "already reached",
    "prov.leastNote": "Least budget: the smallest (to Rp 100.000) whose plan reaches the target by the deadline. Proven lower bound: no plan reaches it for less.",
    "prov.withoutCounts": "No counts yet ({n}), left out:",
    "prov.notPlanned": "Not planned in the time given, and left out (ask again for these alone):",
    "date.placeholder": "dd/mm/yyyy",
    "date.pick": "Pick a date from the calendar",
    "date.invalid": "Not a date: write day/month/year, e.g. 31/12/2027.",
    "date.latest": "{d} at the latest.",
    "date.earliest": "{d} at the earliest.",
  },
};

const STORAGE_KEY = "jemput.lang";

function storedLang() {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return stored === "en" ? "en" : "id";
  } catch {
    return "id";
  }
}

let current = storedLang();

export function lang() {
  return current;
}

export function setLang(code) {
  current = code === "en" ? "en" : "id";
  try {
    localStorage.setItem(STORAGE_KEY, current);
  } catch {
    // Private windows may refuse storage; the choice lasts for the page.
  }
  document.documentElement.lang = current;
  window.dispatchEvent(new CustomEvent("langchange"));
}

/** The text for `key`, with `{name}` replaced by `vars.name`. */
export function t(key, vars = {}) {
  const text = WORDS[current][key] ?? WORDS.id[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

/** 50421 → "50.421". */
export function fmtInt(value) {
  if (value === null || value === undefined || Number.isNaN(Number(value))) return "–";
  const rounded = Math.round(Number(value));
  const digits = String(Math.abs(rounded));
  let out = "";
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ".";
    out += digits[i];
  }
  return (rounded < 0 ? "-" : "") + out;
}

/** 250000000 → "Rp 250.000.000". */
export function fmtRp(value) {
  if (value === null || value === undefined) return "–";
  return "Rp " + fmtInt(value);
}

/** 250000000 → "Rp 250 jt" (juta); for chart axes. */
export function fmtJuta(value) {
  const juta = Number(value) / 1e6;
  const text = Number.isInteger(juta) ? fmtInt(juta) : fmtDec(juta, 1);
  return "Rp " + text + " jt";
}

/** 1.4 → "1,4". */
export function fmtDec(value, decimals = 1) {
  if (value === null || value === undefined || Number.isNaN(Number(value))) return "–";
  const fixed = Number(value).toFixed(decimals);
  const [whole, fraction] = fixed.split(".");
  const sign = whole.startsWith("-") ? "-" : "";
  const grouped = fmtInt(Math.abs(Number(whole)));
  return sign + grouped + (fraction ? "," + fraction : "");
}

/** 0.0514 → "5,1%". */
export function fmtPct(share, decimals = 1) {
  return fmtDec(Number(share) * 100, decimals) + "%";
}

const MONTHS = {
  id: ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"],
  en: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
};
const WEEKDAYS = {
  id: ["Min", "Sen", "Sel", "Rab", "Kam", "Jum", "Sab"],
  en: ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
};

function parseIso(iso) {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
  if (!match) return null;
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}

/** "2026-12-31" → "31 Des 2026" / "31 Dec 2026". */
export function fmtDate(iso) {
  const d = parseIso(iso);
  if (!d) return iso || "–";
  return `${d.day} ${MONTHS[current][d.month - 1]} ${d.year}`;
}

/** "2026-12-31" → "Kam 31 Des" / "Thu 31 Dec". */
export function fmtDayShort(iso) {
  const d = parseIso(iso);
  if (!d) return iso || "–";
  const weekday = new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
  return `${WEEKDAYS[current][weekday]} ${d.day} ${MONTHS[current][d.month - 1]}`;
}

/** A month tick on a chart: "Jan 2027". */
export function fmtMonth(year, monthIndex) {
  return `${MONTHS[current][monthIndex]} ${year}`;
}

/** Minutes after the workday start (08:00) → "09:35". */
export function fmtClock(minutes, startHour = 8) {
  const total = Math.round(startHour * 60 + Math.max(0, Number(minutes) || 0));
  const h = String(Math.floor(total / 60)).padStart(2, "0");
  const m = String(total % 60).padStart(2, "0");
  return `${h}.${m}`;
}

/** Reads "250.000.000", "Rp 250.000.000" or "250000000" as 250000000. */
/** Whole digits, with "." grouping thousands or no grouping at all. */
function groupsThousands(text) {
  return /^[0-9]+$/.test(text) || /^[0-9]{1,3}(\.[0-9]{3})+$/.test(text);
}

/**
 * An amount of rupiah as a budget officer writes it, read by the same rules
 * as the command line (`jemput plan --budget`): 250000000, 250.000.000,
 * "Rp 250.000.000", 250jt, "250 juta", "2,5 jt", 500rb, "1,2 miliar". "."
 * groups thousands and "," starts decimals; after a unit a lone "." that
 * cannot group thousands is a decimal point (2.5jt). Null when it is not
 * an amount (or not a whole number of rupiah).
 */
export function parseRupiah(text) {
  let rest = String(text ?? "").trim();
  const negative = rest.startsWith("-");
  if (negative) rest = rest.slice(1).trimStart();
  if (/^rp/i.test(rest)) rest = rest.slice(2).replace(/^\.+/, "").trimStart();
  const unitAt = rest.search(/\p{L}/u);
  const number = (unitAt < 0 ? rest : rest.slice(0, unitAt)).trim();
  const unit = (unitAt < 0 ? "" : rest.slice(unitAt)).trim().toLowerCase();
  const multiplier = { "": 1n, rb: 1000n, ribu: 1000n, jt: 1000000n, juta: 1000000n, miliar: 1000000000n, milyar: 1000000000n }[unit];
  if (multiplier === undefined) return null;
  let whole;
  let fraction = "";
  if (number.includes(",")) [whole, fraction] = number.split(/,(.*)/s);
  else if (groupsThousands(number)) whole = number;
  else if (!unit) return null;
  else [whole, fraction = ""] = number.split(/\.(.*)/s);
  if (!groupsThousands(whole) || fraction.length > 9 || !/^[0-9]*$/.test(fraction)) return null;
  const scale = 10n ** BigInt(fraction.length);
  const amount = BigInt(whole.replace(/\./g, "") + fraction) * multiplier;
  if (amount % scale !== 0n) return null;
  const value = Number((negative ? -amount : amount) / scale);
  return Number.isSafeInteger(value) ? value : null;
}

/** Reads "1,4" or "1.4" as 1.4. */
export function parseDecimal(text) {
  const cleaned = String(text || "").trim().replace(",", ".");
  if (cleaned === "") return null;
  const value = Number(cleaned);
  return Number.isFinite(value) ? value : NaN;
}
