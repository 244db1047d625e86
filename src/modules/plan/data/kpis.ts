// The 18 KPI tables (中期計画における主な定量的指標) of the FY2020 report, as printed: targets and
// actuals FY2018–FY2020 (FY2021/22 are blank or '—' in the print and so absent here). Cells are
// checked against the seed's tables by src/modules/plan/data.test.ts. Merged cells (a target
// printed once for every year) carry `span`; reductions (△3.1%) are positive magnitudes.
import type { KpiSeed, MeasureSeed } from '../types.js';

const manual = { kind: 'manual' } as const;

function primary(unit: string, ja: string, en: string, format: MeasureSeed['format'] = 'number'): MeasureSeed {
  return { key: 'primary', name: { ja, en }, unit, format };
}

/** The usefulness rating (役立ち度) printed in parentheses after the count: '70,315件 (93%)'. */
const usefulness: MeasureSeed = {
  key: 'usefulness',
  name: { ja: '役立ち度（4段階評価で上位2つの割合）', en: 'Usefulness (share rating it in the top two of four levels)' },
  unit: '%',
  format: 'percent',
  secondary: 'paren',
};

/** '3分の2' is printed as words; 200/3 % keeps it comparable with the actual percentages. */
const TWO_THIRDS = { value: 200 / 3, text: '3分の2' };

const p = (n: number) => ({ values: { primary: n } });
/** Merged target cell: printed once in the first column, covering `span` fiscal years. */
const merged = (n: number, span: number) => ({ values: { primary: n }, span });

export const KPIS: KpiSeed[] = [
  // ---- I.1 セキュリティ対策の強化 (seed lines 67–108) ----
  {
    code: 'I/1/kpi-①',
    node: 'I/1',
    symbol: '①',
    name: { ja: '新規・追加の取組みを実施した重要インフラ関連企業数', en: 'Critical-infrastructure companies taking new or additional security measures' },
    statement: {
      ja: '第四期中期目標期間において、独立行政法人情報処理推進機構(IPA)が提供・共有する情報や支援等を通じて、情報セキュリティ対策強化に向けた新規・追加の取組みを実施した重要インフラ関連企業数を500社以上とする(令和2年度においては100社以上)。',
      en: 'Over the 4th mid-term period, at least 500 critical-infrastructure companies implement new or additional security measures through information and support provided or shared by IPA (at least 100 in FY2020).',
    },
    direction: 'higher',
    measures: [primary('社', '企業数', 'Companies')],
    years: {
      2018: { target: p(100), actual: p(139) },
      2019: { target: p(100), actual: p(175) },
      2020: { target: p(100), actual: p(273) },
    },
    periodTarget: { value: 500, text: { ja: '第四期中期目標期間において500社以上', en: 'At least 500 companies over the 4th mid-term period' } },
    source: manual,
    notes: [],
    seedLines: [69, 73],
  },
  {
    code: 'I/1/kpi-②',
    node: 'I/1',
    symbol: '②',
    name: { ja: 'SECURITY ACTION 制度に参加する中小企業数（3大都市圏を除く36道県）', en: 'SMEs in SECURITY ACTION (36 prefectures outside the three metropolitan areas)' },
    statement: {
      ja: '「SECURITY ACTION 制度」(中小企業自らが、情報セキュリティ対策に取り組むことを自己宣言する制度)に参加する中小企業数について、3大都市圏を除く36道県にて第四期中期目標期間終了時点で累計で70,000社以上(※)とする。参加企業の量的な増加だけでなく、参加企業の更なるセキュリティ対策レベルの引き上げも必要であることから、ステップアップ(一つ星取得企業が、次のステップとして、二つ星を取得すること等)についても参考指標とする。\n(参考値: 令和元年10月末時点の一つ星から二つ星へのステップアップ企業数252社。)',
      en: 'Raise the cumulative number of SMEs participating in SECURITY ACTION (self-declaration of security measures) in the 36 prefectures outside the three major metropolitan areas to at least 70,000 by the end of the 4th mid-term period (※). Step-ups (e.g. one-star companies obtaining two stars) are a reference indicator (reference: 252 step-up companies at the end of October 2019).',
    },
    direction: 'higher',
    measures: [
      primary('社', '参加企業数', 'Participating SMEs'),
      // FY2019 only: the step-up count, printed after the count with '※' (lower row of the print).
      { key: 'stepUp', name: { ja: 'ステップアップ企業数', en: 'Step-up companies' }, unit: '社', format: 'number', secondary: 'footnote' },
    ],
    years: {
      2018: { target: p(5000), actual: p(66616) },
      2019: { target: { values: { primary: null, stepUp: 500 } }, actual: { values: { primary: 25787, stepUp: 503 } } },
      2020: { target: p(48000), actual: p(63194) },
    },
    periodTarget: { value: 70000, text: { ja: '3大都市圏を除く36道県にて第四期中期目標期間終了時点で累計70,000社以上', en: 'At least 70,000 cumulative in the 36 prefectures by the end of the period' } },
    source: manual,
    notes: [
      {
        kind: 'definition_change',
        text: {
          ja: '平成30年度・令和元年度の目標・実績は変更前の指標によるもので、令和2年度以降の「3大都市圏を除く36道県の参加企業数」とは定義が異なる（報告書は旧指標を再掲していない）。',
          en: 'The FY2018 and FY2019 targets and actuals follow the earlier definition; from FY2020 the indicator counts participants in the 36 prefectures only (the report does not restate the old definition).',
        },
        lines: [78, 81, 82],
      },
      {
        kind: 'definition_change',
        text: {
          ja: '※(下段) 令和元年度指標「SECURITY ACTION 制度」を通じてセキュリティ対策取組み段階のステップアップを行った企業数',
          en: 'FY2019 lower row (※): the FY2019 indicator, companies that stepped up their level of security measures through SECURITY ACTION (target 500, actual 503); the FY2019 primary target is printed as —.',
        },
        lines: [81, 82, 84],
      },
      {
        kind: 'note',
        text: {
          ja: '※旧目標値である参加企業26,000社は、令和元年10月末時点で約87,000社となり目標を達成したため、このうち3大都市圏を除く36道県合計の参加企業である約37,000社からの増加に取り組むこととする(令和2年度においては48,000社以上)。',
          en: 'The former target of 26,000 participants was met (about 87,000 at the end of October 2019); the indicator now counts growth from the about 37,000 participants in the 36 prefectures outside the three metropolitan areas (FY2020: at least 48,000).',
        },
        lines: [78],
      },
    ],
    seedLines: [75, 84],
  },
  {
    code: 'I/1/kpi-③',
    node: 'I/1',
    symbol: '③',
    name: { ja: '対象者別ガイドライン等の累計普及数と役立ち度', en: 'Dissemination and usefulness of audience-specific security guidelines' },
    statement: {
      ja: '情報セキュリティに係る調査、分析の結果等に基づき、企業・組織・サプライチェーン全体における情報セキュリティ対策の取組みを促すべく社会の要請に応じた対象者別(一般企業、中小企業、重要インフラ関連企業向け)のガイドライン等の整備、提供を行い、第四期中期目標期間中の累計普及数(ダウンロード件数、販売数、申込による無償配布など)を250,000件以上(令和2年度においては50,000件以上)とするとともに、当該ガイドライン等に対する役立ち度を調査し、4段階評価で上位2つの評価を得る割合を中期目標期間中に3分の2以上確保する。',
      en: 'Provide audience-specific guidelines (general companies, SMEs, critical-infrastructure companies); cumulative dissemination (downloads, sales, free distribution on request) of at least 250,000 over the 4th mid-term period (at least 50,000 in FY2020), and at least two thirds rating them in the top two of four levels of usefulness.',
    },
    direction: 'higher',
    measures: [primary('件', '普及数', 'Copies disseminated'), usefulness],
    rowLabels: { target: '目標 (役立ち度)', actual: '実績 (役立ち度)' },
    years: {
      2018: { target: { values: { primary: 50000, usefulness: TWO_THIRDS } }, actual: { values: { primary: 70315, usefulness: 93 } } },
      2019: { target: p(50000), actual: { values: { primary: 86036, usefulness: 92 } } },
      2020: { target: p(50000), actual: { values: { primary: 82297, usefulness: 92 } } },
    },
    periodTarget: { value: 250000, text: { ja: '第四期中期目標期間中の累計普及数250,000件以上', en: 'At least 250,000 cumulative over the period' } },
    source: manual,
    notes: [
      {
        kind: 'note',
        text: {
          ja: '役立ち度の目標（3分の2以上）は中期目標期間中の目標で、平成30年度の欄にのみ印刷されている。',
          en: 'The usefulness target (at least two thirds) applies to the whole period and is printed in the FY2018 column only.',
        },
        lines: [89],
      },
    ],
    seedLines: [86, 90],
  },
  {
    code: 'I/1/kpi-④',
    node: 'I/1',
    symbol: '④',
    name: { ja: '安心相談窓口等との連携組織の拡大数', en: 'Organisations newly partnering with the consultation desk' },
    statement: {
      ja: '我が国全体としての一般国民へのサポート体制を強化するべく、一般国民が情報セキュリティに関する相談先、情報収集先をどの程度認識しているかを把握し、その状況に応じて、IPA が運営する安心相談窓口等との連携組織を毎年度拡大する。',
      en: 'To strengthen support for the public, find out how well people know where to consult and get security information, and accordingly expand every year the organisations cooperating with IPA\'s consultation desk (安心相談窓口) and others.',
    },
    direction: 'higher',
    measures: [primary('組織', '連携組織数', 'Partner organisations')],
    years: {
      2018: { target: merged(1, 5), actual: p(2) },
      2019: { actual: p(2) },
      2020: { actual: p(3) },
    },
    source: { kind: 'statistic', statistic: 'consultation.partners.added', aggregate: 'period' },
    notes: [
      {
        kind: 'note',
        text: {
          ja: '目標「1 組織」は毎年度の目標（表では全年度の結合セル）。令和2年度の3組織は相談窓口を運営する3組織との新たな連携体制の構築による。',
          en: 'The target of 1 organisation applies to every year (one merged cell in the print). FY2020\'s 3 are the three desk-operating organisations newly brought into the partnership.',
        },
        lines: [95, 159],
      },
    ],
    seedLines: [92, 96],
  },
  {
    code: 'I/1/kpi-⑤',
    node: 'I/1',
    symbol: '⑤',
    name: { ja: '産業サイバーセキュリティセンター人材育成プログラム受講者数', en: 'ICSCoE training programme participants' },
    statement: {
      ja: '第四期中期目標期間中に、産業サイバーセキュリティセンターが提供する人材育成プログラムについて、延べ 500 名の受講者を目指す（令和 2 年度においては 100 名以上）。',
      en: 'Aim for 500 participants in total in the training programmes of the Industrial Cyber Security Center of Excellence over the 4th mid-term period (at least 100 in FY2020).',
    },
    direction: 'higher',
    measures: [primary('名', '受講者数', 'Participants')],
    years: {
      2018: { target: p(76), actual: p(100) },
      2019: { target: p(100), actual: p(225) },
      2020: { target: p(100), actual: p(200) },
    },
    periodTarget: { value: 500, text: { ja: '第四期中期目標期間中に延べ500名', en: '500 participants in total over the period' } },
    source: manual,
    notes: [],
    seedLines: [98, 102],
  },
  {
    code: 'I/1/kpi-⑥',
    node: 'I/1',
    symbol: '⑥',
    name: { ja: '受講者による企業・産業における取組み数', en: 'Initiatives by ICSCoE trainees in their companies and industries' },
    statement: {
      ja: '第四期中期目標期間中に、産業サイバーセキュリティセンターの人材育成プログラムの受講者が、企業や産業における演習実施、ポリシー策定、組織変更その他及びこれらに関する企画・提案等の取組みを延べ 500 件程度行い、当センターの事業効果が、当該受講者の得た知見を通じて、更に当該企業の関係者及び組織全体や社会全体に均てんしていくことを目指す（令和 2 年度においては 150 件以上）。',
      en: 'Over the 4th mid-term period, trainees of the ICSCoE programmes carry out about 500 initiatives in total in their companies and industries (exercises, policies, organisational changes, related plans and proposals), spreading the centre\'s effect through them (at least 150 in FY2020).',
    },
    direction: 'higher',
    measures: [primary('件', '取組み数', 'Initiatives')],
    years: {
      2018: { target: p(50), actual: p(295) },
      2019: { target: p(100), actual: p(368) },
      2020: { target: p(150), actual: p(600) },
    },
    periodTarget: { value: 500, text: { ja: '第四期中期目標期間中に延べ500件程度', en: 'About 500 in total over the period' } },
    source: manual,
    notes: [
      {
        kind: 'note',
        text: { ja: '令和2年度の600件は、帰任後に具体的なアクションを起こした修了者144名によるもの。', en: 'FY2020\'s 600 initiatives were reported by 144 graduates after returning to their companies.' },
        lines: [212],
      },
    ],
    seedLines: [104, 108],
  },

  // ---- I.2 IT人材 (seed lines 1373–1397) ----
  {
    code: 'I/2/kpi-①',
    node: 'I/2',
    symbol: '①',
    name: { ja: '未踏関係事業の修了生による新たな社会価値創出数', en: 'New social value created by Mitou graduates' },
    statement: {
      ja: '未踏関係事業の修了生による新たな社会価値創出を、新技術の創出数、新規起業・事業化の資金確保数、ビジネスマッチング成立件数で総合的に捉え、第四期中期目標期間中の合計数延べ50件を目指す（令和2年度においては10件以上）。',
      en: 'Measure the new social value created by graduates of the Mitou programmes (new technologies, funding for start-ups and commercialisation, business matches) and aim for 50 in total over the 4th mid-term period (at least 10 in FY2020).',
    },
    direction: 'higher',
    measures: [primary('件', '社会価値創出数', 'Cases')],
    years: {
      2018: { target: p(10), actual: p(25) },
      2019: { target: p(10), actual: p(15) },
      2020: { target: p(10), actual: p(26) },
    },
    periodTarget: { value: 50, text: { ja: '第四期中期目標期間中の合計数延べ50件', en: '50 in total over the period' } },
    source: manual,
    notes: [],
    seedLines: [1375, 1379],
  },
  {
    code: 'I/2/kpi-②',
    node: 'I/2',
    symbol: '②',
    name: { ja: 'セキュリティ・キャンプ修了生によるイベント講師等の実績数', en: 'Security Camp graduates serving as instructors or tutors' },
    statement: {
      ja: 'セキュリティ・キャンプの修了生によるイベント講師等の実績数（キャンプ講師、チューター含む。）について、第四期中期目標期間中の合計数延べ225名を目指す（令和2年度においては45名以上）。',
      en: 'Aim for 225 in total over the 4th mid-term period of Security Camp graduates serving as event instructors and the like, including camp instructors and tutors (at least 45 in FY2020).',
    },
    direction: 'higher',
    measures: [primary('名', '実績数', 'Graduates')],
    years: {
      2018: { target: p(45), actual: p(65) },
      2019: { target: p(45), actual: p(69) },
      2020: { target: p(45), actual: p(57) },
    },
    periodTarget: { value: 225, text: { ja: '第四期中期目標期間中の合計数延べ225名', en: '225 in total over the period' } },
    source: manual,
    notes: [],
    seedLines: [1381, 1385],
  },
  {
    code: 'I/2/kpi-③',
    node: 'I/2',
    symbol: '③',
    name: { ja: '情報処理安全確保支援士が知識・スキルを発揮した業務遂行の割合', en: 'Registered security specialists applying their knowledge at work' },
    statement: {
      ja: '情報処理安全確保支援士が保有している知識やスキルを発揮して、情報セキュリティに関連する業務遂行がなされたとする値について、第四期中期目標期間の最終年度に75%を目指す。（令和2年度においては60%以上）',
      en: 'Aim for 75% in the final year of the 4th mid-term period for the share of Registered Information Security Specialists who report performing security work using their knowledge and skills (at least 60% in FY2020).',
    },
    direction: 'higher',
    measures: [primary('%', '割合', 'Share', 'percent')],
    years: {
      2018: { target: p(30), actual: p(51.9) },
      2019: { target: p(45), actual: p(72.4) },
      2020: { target: p(60), actual: p(81.6) },
    },
    periodTarget: { value: 75, text: { ja: '第四期中期目標期間の最終年度に75%', en: '75% in the final year of the period' } },
    source: manual,
    notes: [],
    seedLines: [1387, 1391],
  },
  {
    code: 'I/2/kpi-④',
    node: 'I/2',
    symbol: '④',
    name: { ja: '企業における情報処理技術者試験の活用割合', en: 'Companies making use of the IT Engineers Examinations' },
    statement: {
      ja: 'IT人材の裾野拡大を図るため、ITを提供する側だけでなく、ITを利用する側も含めた企業における情報処理技術者試験の活用割合について、毎年度、55%以上を目指す。',
      en: 'To widen the base of IT talent, aim every year for at least 55% of companies, IT users as well as IT providers, making use of the Information Technology Engineers Examinations.',
    },
    direction: 'higher',
    measures: [primary('%', '活用割合', 'Share', 'percent')],
    years: {
      2018: { target: merged(55, 5), actual: p(61.5) },
      2019: { actual: p(60.7) },
      2020: { actual: p(62.1) },
    },
    source: manual,
    notes: [
      { kind: 'note', text: { ja: '目標55%は毎年度の目標（表では全年度の結合セル）。', en: 'The 55% target applies to every year (one merged cell in the print).' }, lines: [1396] },
    ],
    seedLines: [1393, 1397],
  },

  // ---- I.3 ICTの新しい流れ (seed lines 2462–2500) ----
  {
    code: 'I/3/kpi-①',
    node: 'I/3',
    symbol: '①',
    name: { ja: '白書・調査報告書の普及件数', en: 'Dissemination of IPA white papers and ICT survey reports' },
    statement: {
      ja: 'IPA が取りまとめた ICT に関する技術動向等の白書及び ICT に関する調査等の報告書について、第四期中期目標期間における普及件数の年間平均値につき、第三期中期目標期間中における当該数以上を達成する。(参考値：第三期中期目標期間(平成28年度まで)の普及件数の年間平均159,661件)',
      en: 'For IPA\'s white papers on ICT trends and its ICT survey reports, reach an annual average dissemination in the 4th mid-term period at least equal to that of the 3rd period (reference: 159,661 a year up to FY2016).',
    },
    direction: 'higher',
    measures: [primary('件', '普及件数', 'Copies disseminated')],
    years: {
      2018: { target: merged(159661, 5), actual: p(280531) },
      2019: { actual: p(401360) },
      2020: { actual: p(484168) },
    },
    source: manual,
    notes: [
      {
        kind: 'note',
        text: { ja: '目標は第三期中期目標期間の年間平均（159,661件）以上で、表では全年度の結合セル。期間目標は年間平均値に対するもの。', en: 'The target is the 3rd period\'s annual average (159,661), one merged cell for every year; the period goal applies to the annual average.' },
        lines: [2464, 2467],
      },
    ],
    seedLines: [2464, 2468],
  },
  {
    code: 'I/3/kpi-②',
    node: 'I/3',
    symbol: '②',
    name: { ja: 'ICTに関する指針・ガイドラインの普及件数と役立ち度', en: 'Dissemination and usefulness of IPA\'s ICT guidelines' },
    statement: {
      ja: 'IPA が整備した ICT に関する指針やガイドラインについて、第四期中期目標期間における普及件数の年間平均値につき、第三期中期目標期間における当該数以上を達成する。さらに、当該指針やガイドラインの利用者又は想定される利用予定者に対し、セミナー等において役立ち度(見込)を調査し、4段階評価で上位2つの評価を得る割合を第四期中期目標期間中に3分の2以上を確保する。(参考値：第三期中期目標期間(平成28年度まで)の普及件数の年間平均435,663件)',
      en: 'For IPA\'s ICT guidelines, reach an annual average dissemination in the 4th period at least equal to the 3rd period\'s (reference: 435,663 a year), and have at least two thirds of (prospective) users surveyed at seminars rate them in the top two of four levels of usefulness.',
    },
    direction: 'higher',
    measures: [primary('件', '普及件数', 'Copies disseminated'), usefulness],
    rowLabels: { target: '目標 (役立ち度)', actual: '実績 (役立ち度)' },
    years: {
      2018: { target: { values: { primary: 435663, usefulness: TWO_THIRDS }, span: 5 }, actual: { values: { primary: 1016117, usefulness: 93 } } },
      2019: { actual: { values: { primary: 1134669, usefulness: 90 } } },
      2020: { actual: { values: { primary: 1237169, usefulness: 91.5 } } },
    },
    source: manual,
    notes: [
      {
        kind: 'note',
        text: { ja: '目標は第三期中期目標期間の年間平均（435,663件）以上及び役立ち度3分の2以上で、表では全年度の結合セル。', en: 'The targets (the 3rd period\'s annual average of 435,663, and two thirds usefulness) are one merged cell for every year.' },
        lines: [2470, 2473],
      },
    ],
    seedLines: [2470, 2474],
  },
  {
    code: 'I/3/kpi-③',
    node: 'I/3',
    symbol: '③',
    name: { ja: '新たなITスキル標準等に関する情報アクセス数', en: 'Accesses to information on the new IT skill standard' },
    statement: {
      ja: 'IoT、ビッグデータ、人工知能等の進展による今後のIT人材の在り方に影響を及ぼし得る産業動向や技術等の調査、並びにスキル変革に求められる指標として整備・発信する新たなITスキル標準に関する情報アクセス数について、毎年度、平成25年度～平成28年度の年度当たり平均アクセス数(※)以上を達成する。(※基準値：平成25年度～平成28年度の年度当たり平均アクセス数29,269件)',
      en: 'Every year, reach at least the FY2013–FY2016 average yearly number of accesses (29,269) to information on industry and technology trends affecting future IT talent and on the new IT skill standard published as the indicator for skill transformation.',
    },
    direction: 'higher',
    measures: [primary('件', 'アクセス数', 'Accesses')],
    years: {
      2018: { target: merged(29269, 5), actual: p(91265) },
      2019: { actual: p(139384) },
      2020: { actual: p(196073) },
    },
    source: manual,
    notes: [
      { kind: 'note', text: { ja: '基準値29,269件（平成25～28年度の年度当たり平均）は毎年度の目標（表では全年度の結合セル）。', en: 'The baseline of 29,269 (FY2013–FY2016 yearly average) is the target for every year (one merged cell in the print).' }, lines: [2476, 2479] },
    ],
    seedLines: [2476, 2480],
  },
  {
    code: 'I/3/kpi-④',
    node: 'I/3',
    symbol: '④',
    name: { ja: 'DX推進指標による自己診断実施組織数', en: 'Organisations self-assessing with the DX Promotion Index' },
    statement: {
      ja: 'デジタル経営改革に向けDX推進指標による自己診断実施組織数について、第四期中期目標期間終了時点で600組織以上とする。上記目標の達成に向けて、DX推進指標の普及活動に留まらず、登録された自己診断結果を基にしたベンチマーク分析をはじめ、既存ITシステムの技術的負債を明らかにする指標、旧システム脱却に向けた実践手引書などの策定・提供や認定事務の着実な実施、認定事業者への情報支援等を行うことで、企業におけるDXの取組みを促進する。(令和2年度は120組織以上増加)',
      en: 'At least 600 organisations self-assessed with the DX Promotion Index by the end of the 4th mid-term period, supported by benchmark analysis, indicators of technical debt, a practical guide to leaving legacy systems, the certification administration and support for certified businesses (FY2020: an increase of at least 120).',
    },
    direction: 'higher',
    measures: [primary('組織', '自己診断実施組織数', 'Organisations')],
    years: {
      2020: { target: p(120), actual: p(314) },
    },
    periodTarget: { value: 600, text: { ja: '第四期中期目標期間終了時点で600組織以上', en: 'At least 600 organisations by the end of the period' } },
    source: manual,
    notes: [
      { kind: 'note', text: { ja: '令和2年度からの指標（平成30年度・令和元年度の欄は空欄）。令和2年度の目標は120組織以上の増加。', en: 'Indicator introduced in FY2020 (FY2018/FY2019 are blank); the FY2020 target is an increase of at least 120.' }, lines: [2482, 2485] },
    ],
    seedLines: [2482, 2486],
  },
  {
    code: 'I/3/kpi-⑤',
    node: 'I/3',
    symbol: '⑤',
    name: { ja: '中立的なアーキテクチャ設計の取組み分野数', en: 'Fields in which neutral architecture design has started' },
    statement: {
      ja: '各省各庁又は事業者の依頼に応じて、特定の技術、製品、企業、業界等に偏りがない中立的なアーキテクチャについて、3 分野（①規制のスマート化や高度化が求められる分野、②公的部門において共通の IT システムを開発すべき分野、③業種横断的なシステム連携が見込まれ、サービス開発基盤として整備が求められる分野）で取組みを開始し、第四期中期目標期間終了時点までに以下の指標で 6 以上を達成する。ただし、そのうち少なくとも 1 件以上は、第 2 段階までの設計を終了し、成果を公表する。（令和 2 年度は 2 分野以上で取組みを開始）',
      en: 'At the request of ministries or businesses, start neutral architecture design (not biased to any technology, product, company or industry) in 3 fields (smarter regulation; common public-sector IT systems; cross-industry service platforms) and reach at least 6 on the progress indicator by the end of the 4th mid-term period, with at least one project finishing stage 2 and publishing its results (FY2020: start in at least 2 fields).',
    },
    direction: 'higher',
    measures: [primary('分野', '取組み分野数', 'Fields')],
    years: {
      2020: { target: p(2), actual: p(3) },
    },
    source: manual,
    notes: [
      {
        kind: 'note',
        text: {
          ja: ['進捗指標：アーキテクチャ設計に取り組む案件毎の進捗段階（※）の総和', '※アーキテクチャ設計の進捗段階の考え方', '第 1 段階：取組みの目的や背景にある課題・ニーズについてステークホルダー間で整理を行い、アーキテクチャ設計に関する方針を固め、公表する。（1 点）', '第 2 段階：コンセプトやターゲットとする範囲、フレームワーク等について固めたうえでアーキテクチャの設計を行い、また社会実装に向けて、標準や規制等に反映すべき部分の抽出・検討を行った上で、セット版として公表する。（3 点）'].join('\n'),
          en: 'Progress indicator: the sum over projects of their stage (stage 1 = policy agreed and published, 1 point; stage 2 = architecture designed and published as a set, 3 points). The period goal (at least 6 points) is on this indicator, not on the number of fields in the table.',
        },
        lines: [2490, 2492, 2494, 2496],
      },
      { kind: 'note', text: { ja: '令和2年度の実績3分野は5プロジェクト。', en: 'FY2020\'s 3 fields comprise 5 projects.' }, lines: [2534] },
    ],
    seedLines: [2488, 2500],
  },

  // ---- II 業務運営の効率化 (seed lines 3329–3343): one statement, two tables ----
  {
    code: 'II/kpi-①',
    node: 'II',
    symbol: '①',
    name: { ja: '一般管理費の効率化', en: 'General administrative expense efficiency' },
    statement: {
      ja: '運営費交付金を充当して行う業務については、新規に追加されるもの、拡充分及び特別事業費を除き、一般管理費（人件費及びその他の所要額計上を必要とする経費を除く。）について毎年度平均で前年度比 3%以上、業務経費（人件費及びその他の所要額計上を必要とする経費を除く。）について毎年度平均で前年度比 1%以上の効率化を行う。',
      en: 'For work funded by the operating grant, excluding new or expanded work and special project expenses, make general administrative expenses more efficient by at least 3% a year on average, and operating expenses by at least 1% (both excluding personnel and separately budgeted expenses).',
    },
    caption: '<一般管理費>',
    direction: 'higher',
    measures: [primary('%', '前年度比削減率', 'Reduction from the previous year', 'reduction')],
    years: {
      2018: { target: merged(3, 5), actual: p(3.1) },
      2019: { actual: { values: { primary: { value: 3, decimals: 1 } } } },
      2020: { actual: { values: { primary: { value: 3, decimals: 1 } } } },
    },
    source: manual,
    notes: [
      {
        kind: 'discrepancy',
        text: {
          ja: '令和2年度の効率化対象経費（一般管理費）は223百万円から217百万円で、百万円単位の数字では△2.7%となるが、表（3426行）及びKPI表は△3.0%としている（端数処理によるものと考えられる）。',
          en: 'The efficiency-target general administrative expenses fall from ¥223M to ¥217M, which is −2.7% on the rounded figures; the budget table (line 3426) and the KPI table print △3.0% (presumably rounding of the underlying amounts).',
        },
        lines: [3337, 3426],
      },
    ],
    seedLines: [3331, 3337],
  },
  {
    code: 'II/kpi-②',
    node: 'II',
    symbol: '②',
    name: { ja: '業務経費の効率化', en: 'Operating expense efficiency' },
    statement: {
      ja: '運営費交付金を充当して行う業務については、新規に追加されるもの、拡充分及び特別事業費を除き、一般管理費（人件費及びその他の所要額計上を必要とする経費を除く。）について毎年度平均で前年度比 3%以上、業務経費（人件費及びその他の所要額計上を必要とする経費を除く。）について毎年度平均で前年度比 1%以上の効率化を行う。',
      en: 'For work funded by the operating grant, excluding new or expanded work and special project expenses, make general administrative expenses more efficient by at least 3% a year on average, and operating expenses by at least 1% (both excluding personnel and separately budgeted expenses).',
    },
    caption: '<業務経費>',
    direction: 'higher',
    measures: [primary('%', '前年度比削減率', 'Reduction from the previous year', 'reduction')],
    years: {
      2018: { target: merged(1, 5), actual: p(1.1) },
      2019: { actual: { values: { primary: { value: 1, decimals: 1 } } } },
      2020: { actual: { values: { primary: { value: 1, decimals: 1 } } } },
    },
    source: manual,
    notes: [
      {
        kind: 'note',
        text: { ja: '一般管理費と同じ文（3331行）の後段に対する表。表には記号が印刷されていない。', en: 'The table for the second half of the same statement as <一般管理費> (line 3331); the print gives it no symbol of its own.' },
        lines: [3331, 3339],
      },
    ],
    // The statement is shared with II/kpi-① (line 3331); the table is lines 3339–3343.
    seedLines: [3331, 3343],
  },

  // ---- IV その他業務運営に関する重要事項 (seed lines 4086–4092) ----
  {
    code: 'IV/kpi-①',
    node: 'IV',
    symbol: '①',
    name: { ja: 'IPAの情報を継続的に受け取る新規登録者数', en: 'New registrants who receive IPA information continuously' },
    statement: {
      ja: 'IPA の情報を継続的に受け取る登録者を増加させる活動を行い、第四期中期目標期間中ににおいて60,000人以上の登録者を追加する（令和2年度においては12,000人以上）。',
      en: 'Increase the registrants who receive IPA information continuously, adding at least 60,000 over the 4th mid-term period (at least 12,000 in FY2020).',
    },
    direction: 'higher',
    measures: [primary('人', '新規登録者数', 'New registrants')],
    years: {
      2018: { target: p(12000), actual: p(20652) },
      2019: { target: p(12000), actual: p(26021) },
      2020: { target: p(12000), actual: p(26980) },
      // The period total is printed in the FY2022 column (FY2021 is blank).
      2022: { target: p(60000) },
    },
    periodTarget: { value: 60000, text: { ja: '第四期中期目標期間中に60,000人以上の登録者を追加', en: 'At least 60,000 new registrants over the period' } },
    source: manual,
    notes: [
      {
        kind: 'discrepancy',
        text: {
          ja: '令和元年度の実績は表（4092行）では26,021人、本文（4371行）では「前年度 26,012人」。本文の内訳（前年度 12,600人＋13,421人、4370–4371行）の合計は26,021人で表と一致するため、表の数値を採用。',
          en: 'FY2019 actual: the table (line 4092) prints 26,021 but the text (line 4371) says "前年度 26,012人". The text\'s own components for FY2019 (12,600 + 13,421, lines 4370–4371) sum to 26,021, so the table\'s figure is kept.',
        },
        lines: [4092, 4371],
      },
      {
        kind: 'note',
        text: { ja: '令和4年度の目標欄の60,000人は中期目標期間全体の目標値。', en: 'The 60,000 in the FY2022 target column is the target for the whole period.' },
        lines: [4091],
      },
    ],
    seedLines: [4088, 4092],
  },
];
